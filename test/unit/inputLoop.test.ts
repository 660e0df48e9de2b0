import assert from "node:assert/strict";
import { runInputLoop } from "../../client/inputLoop";
import type { PlayerControls } from "../../schema/input";
import { OwnPlayerPrediction } from "../../client/prediction";
import { TICK_SECONDS } from "../../rooms/match/rules";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idle: PlayerControls = { mx: 0, my: 0, aim: 0, fire: false };
const TICK_MS = TICK_SECONDS * 1000;

/**
 * A session whose server never acknowledges: every input sent stays pending. Each send is stamped with
 * the loop's wake that made it: sends in one timer callback share a wake (microtasks run after each callback).
 */
function silentServer() {
  const prediction = new OwnPlayerPrediction();
  const sentAt: number[] = [];
  const wakeOf: number[] = [];
  let wakes = 0;
  let inWake = false;
  return {
    prediction,
    sentAt,
    wakeOf,
    sendInput: (i: PlayerControls) => {
      if (!inWake) {
        inWake = true;
        wakes++;
        queueMicrotask(() => (inWake = false));
      }
      sentAt.push(performance.now());
      wakeOf.push(wakes);
      return prediction.next(i.mx, i.my, i.aim, i.fire);
    },
  };
}

describe("input loop", () => {
  it("sends one input per tick, and stops at maxUnacked while nothing is acknowledged", async () => {
    const session = silentServer();
    const startedMs = performance.now();
    const stop = runInputLoop(session, () => idle, { maxUnacked: 10 });
    await sleep(100);
    const early = session.sentAt.length;
    // Measured, not assumed: on a loaded machine the sleep runs long.
    const ticks = (performance.now() - startedMs) / TICK_MS;
    await sleep(300);
    stop();
    assert.ok(early >= 3 && early <= Math.floor(ticks) + 1, `one input per tick: ${early} in ${ticks.toFixed(1)} ticks`);
    assert.equal(session.sentAt.length, 10, "never more than 10 unacknowledged");
  });

  it("after a stalled event loop sends at most maxCatchUp at once, never the whole backlog", async () => {
    const session = silentServer();
    const stop = runInputLoop(session, () => idle, { maxCatchUp: 4, maxUnacked: 1000 });
    await sleep(50);
    const stallUntil = performance.now() + 300; // 18 ticks
    while (performance.now() < stallUntil);
    await sleep(5);
    stop();
    const stoppedMs = performance.now();
    const firstAfter = session.sentAt.findIndex((t) => t >= stallUntil);
    const after = session.sentAt.slice(firstAfter);
    const burst = session.wakeOf.filter((wake) => wake === session.wakeOf[firstAfter]).length;
    assert.ok(burst >= 1 && burst <= 4, `${burst} sent in the first wake after the stall`);
    const ticksSince = (stoppedMs - after[0]) / TICK_MS;
    assert.ok(after.length - burst <= Math.floor(ticksSince) + 1, `the skipped ticks are not made up later: ${after.length - burst} more in ${ticksSince.toFixed(1)} ticks`);
  });
});

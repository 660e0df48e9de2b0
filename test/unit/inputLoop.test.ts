import assert from "node:assert/strict";
import { runInputLoop } from "../../client/inputLoop";
import type { PlayerControls } from "../../schema/input";
import { OwnPlayerPrediction } from "../../client/prediction";
import { TICK_SECONDS } from "../../rooms/match/rules";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idle: PlayerControls = { mx: 0, my: 0, aim: 0, fire: false };
const TICK_MS = TICK_SECONDS * 1000;

/** A session whose server never acknowledges: every input sent stays pending. */
function silentServer() {
  const prediction = new OwnPlayerPrediction();
  const sentAt: number[] = [];
  return {
    prediction,
    sentAt,
    sendInput: (i: PlayerControls) => {
      sentAt.push(performance.now());
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
    const after = session.sentAt.filter((t) => t >= stallUntil);
    // The first wake after the stall sends its inputs in one go, back to back; the next wake is a new timer,
    // at least 1 ms on (it can be due that soon: the next tick's deadline may be just ahead), so the first
    // wake's sends are the run of sends each well under 1 ms after the one before.
    let burst = 1;
    while (burst < after.length && after[burst] - after[burst - 1] < 0.5) burst++;
    assert.ok(burst >= 1 && burst <= 4, `${burst} sent in the first wake after the stall`);
    const ticksSince = (stoppedMs - after[0]) / TICK_MS;
    assert.ok(after.length - burst <= Math.floor(ticksSince) + 1, `the skipped ticks are not made up later: ${after.length - burst} more in ${ticksSince.toFixed(1)} ticks`);
  });
});

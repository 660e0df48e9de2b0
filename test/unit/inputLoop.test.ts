import assert from "node:assert/strict";
import { runInputLoop } from "../../client/inputLoop";
import type { Intent } from "../../client/MatchSession";
import { OwnPlayerPrediction } from "../../client/prediction";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idle: Intent = { mx: 0, my: 0, aim: 0, fire: false };

/** A session whose server never acknowledges: every input sent stays pending. */
function silentServer() {
  const prediction = new OwnPlayerPrediction();
  const sentAt: number[] = [];
  return {
    prediction,
    sentAt,
    sendInput: (i: Intent) => {
      sentAt.push(performance.now());
      return prediction.next(i.mx, i.my, i.aim, i.fire);
    },
  };
}

describe("input loop", () => {
  it("sends one input per tick, and stops at maxUnacked while nothing is acknowledged", async () => {
    const session = silentServer();
    const stop = runInputLoop(session, () => idle, { maxUnacked: 10 });
    await sleep(100);
    const early = session.sentAt.length;
    await sleep(300);
    stop();
    assert.ok(early >= 3 && early <= 8, `about 6 inputs in 100 ms: ${early}`);
    assert.equal(session.sentAt.length, 10, "never more than 10 unacknowledged");
  });

  it("after a stalled event loop sends at most maxCatchUp at once, never the whole backlog", async () => {
    const session = silentServer();
    const stop = runInputLoop(session, () => idle, { maxCatchUp: 4, maxUnacked: 1000 });
    await sleep(50);
    const before = session.sentAt.length;
    const stallUntil = performance.now() + 300; // 18 ticks
    while (performance.now() < stallUntil);
    await sleep(5);
    stop();
    const burst = session.sentAt.filter((t) => t >= stallUntil).length;
    assert.ok(burst >= 1 && burst <= 5, `${burst} sent right after the stall`);
    assert.ok(session.sentAt.length - before < 10, "the skipped ticks are not made up later");
  });
});

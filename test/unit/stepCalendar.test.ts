import assert from "node:assert/strict";
import { FixedStepLoop } from "../../server/runtime/FixedStepLoop";
import { StepCalendar } from "../../server/runtime/StepCalendar";
import { waitFor } from "../helpers";

describe("the node's calendar of ticks", () => {
  const loopOn = (calendar: StepCalendar, stepSeconds: number, onStep: () => void = () => {}) =>
    new FixedStepLoop({ stepSeconds, maxCatchUpSteps: 1, step: onStep, afterSteps: () => {}, onError: (e) => assert.fail(String(e)), calendar });

  it("holds each running loop's next wake, the earliest first, and forgets a stopped one", async () => {
    const calendar = new StepCalendar();
    assert.equal(calendar.nextDueAt(), Infinity, "no loop runs");
    let steps = 0;
    const fast = loopOn(calendar, 1 / 60, () => steps++);
    const slow = loopOn(calendar, 10);
    slow.start();
    const slowDue = calendar.nextDueAt();
    assert.ok(slowDue > performance.now() + 9_000, "the slow loop's first wake, ten seconds on");
    fast.start();
    const firstDue = calendar.nextDueAt();
    assert.ok(firstDue < slowDue && firstDue <= performance.now() + 17, "the 60 Hz loop's wake comes first");
    await waitFor("the fast loop stepped", () => steps > 0);
    assert.ok(calendar.nextDueAt() > firstDue, "after a wake, the next one is booked");
    fast.stop();
    assert.equal(calendar.nextDueAt(), slowDue, "a stopped loop is forgotten");
    slow.stop();
    assert.equal(calendar.nextDueAt(), Infinity);
  });
});

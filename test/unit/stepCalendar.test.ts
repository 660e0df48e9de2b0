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

  it("starts a loop at the phase farthest from the others', so a node's ticks spread over the step", () => {
    const calendar = new StepCalendar();
    const step = 16;
    const [a, b, c] = [{}, {}, {}];
    assert.equal(calendar.firstWake(step, 1024), 1040, "alone: a step on");
    calendar.book(a, 1040);
    assert.equal(calendar.firstWake(step, 1025), 1032, "half a step from the first");
    calendar.book(b, 1048);
    calendar.book(c, 1052);
    // Phases 0, 8 and 12: the widest gap is 0..8, its middle 4, next reached at 1044.
    assert.equal(calendar.firstWake(step, 1036.5), 1044);
  });

  it("is where a fixed-step loop takes its first wake from", () => {
    const calendar = new StepCalendar();
    const stepMs = 1000 / 60;
    const [first, second] = [loopOn(calendar, stepMs / 1000), loopOn(calendar, stepMs / 1000)];
    first.start();
    const firstPhase = calendar.nextDueAt() % stepMs;
    second.start();
    first.stop();
    const apart = (calendar.nextDueAt() - firstPhase + stepMs) % stepMs;
    second.stop();
    assert.ok(Math.abs(apart - stepMs / 2) < 0.01, `the second wakes ${apart.toFixed(3)} ms after the first in each step`);
  });
});

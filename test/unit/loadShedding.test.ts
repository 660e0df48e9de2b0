import assert from "node:assert/strict";
import { DeliveryTurns } from "../../rooms/fanout/DeliveryTurns";
import { LoadShedder } from "../../server/limits/loadShedding";
import { waitFor } from "../helpers";

describe("load shedding's judgement", () => {
  it("is overloaded while its oldest waiting delivery has waited past the bound, and not once deliveries catch up", async () => {
    let deliveriesLateMs = 300;
    const shedder = new LoadShedder(50, () => deliveriesLateMs);
    shedder.start();
    try {
      assert.equal(shedder.overloaded, true);
      deliveriesLateMs = 10;
      // Read again at most every 10 ms.
      await waitFor("overloaded no more", () => !shedder.overloaded, 1000);
    } finally {
      shedder.stop();
    }
  });

  it("never sheds when turned off (0)", () => {
    const shedder = new LoadShedder(0, () => 10_000);
    assert.equal(shedder.enabled, false);
    shedder.judge();
    assert.equal(shedder.overloaded, false);
  });

  it("measures how long the oldest waiting delivery has waited, 0 once nothing waits", async () => {
    const turns = new DeliveryTurns({ nextDueAt: () => performance.now() });
    let left = 200;
    // Owes more writes than the first (at once) pass may make: it waits for turns, a chunk a turn while a tick is due.
    // It began waiting somewhere inside request(): bracketed by the clock on both sides, however long a
    // loaded machine takes over the call, rather than assumed to be within a few ms of its end.
    const requestedAt = performance.now();
    turns.request({ deliver: (budget) => { const used = Math.min(budget, left); left -= used; return { used, done: left === 0 }; } });
    const returnedAt = performance.now();
    assert.ok(left > 0, "still owed after the first pass");
    const waitedMs = turns.oldestWaitMs(returnedAt + 100);
    assert.ok(waitedMs >= 100 && waitedMs <= 100 + (returnedAt - requestedAt), `waited ${waitedMs} ms, 100 after a request that took ${returnedAt - requestedAt} ms`);
    while (left > 0) await new Promise((r) => setImmediate(r));
    assert.equal(turns.oldestWaitMs(), 0);
  });
});

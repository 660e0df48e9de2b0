import assert from "node:assert/strict";
import { DeviceLatencies, UserDeviceLedger, userSub } from "../../loadtest/bot/UserDeviceLedger";
import type { UserMessage } from "../../schema/serverMessages";

/** A user message as the server sends it: user `user`'s push n, numbered `seq`, on `channel` (its own by default). */
function message(user: number, seq: number, n = 1, channel = `user-${userSub(user)}`): UserMessage {
  return { channel, epoch: "e1", seq, ts: Date.now(), payload: { user, n, sentAt: performance.timeOrigin + performance.now(), body: "" } };
}

describe("the user scenario's device ledger", () => {
  let latencies: DeviceLatencies;
  let ledger: UserDeviceLedger;
  beforeEach(() => {
    latencies = { relayMs: [], pushToDeviceMs: [] };
    ledger = new UserDeviceLedger(7, latencies);
  });

  it("counts its own user's messages once each, in order, and times the measured ones", () => {
    for (const [seq, n] of [[1, 0], [2, 1], [3, 1]]) ledger.received(message(7, seq, n));
    assert.deepEqual(ledger.tally, { user: 7, delivered: 3, duplicates: 0, foreign: 0, outOfOrder: 0, notices: 0, disconnected: false });
    // The warm-up push (n = 0) is counted for delivery, not timed.
    assert.equal(latencies.relayMs.length, 2);
    assert.equal(latencies.pushToDeviceMs.length, 2);
  });

  it("counts another user's message, or one on another channel, as foreign and not delivered", () => {
    ledger.received(message(8, 1));
    ledger.received(message(7, 1, 1, `user-${userSub(8)}`));
    assert.equal(ledger.tally.foreign, 2);
    assert.equal(ledger.tally.delivered, 0);
  });

  it("counts a seq it already had as a duplicate and a lower seq as out of order", () => {
    for (const seq of [1, 3, 3, 2]) ledger.received(message(7, seq));
    assert.equal(ledger.tally.delivered, 3);
    assert.equal(ledger.tally.duplicates, 1);
    assert.equal(ledger.tally.outOfOrder, 1);
  });
});

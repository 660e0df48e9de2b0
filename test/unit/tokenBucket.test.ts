import assert from "node:assert/strict";
import { TokenBucket } from "../../server/runtime/TokenBucket";

describe("token bucket (virtual time)", () => {
  it("allows a burst, then exactly the sustained rate", () => {
    const bucket = new TokenBucket({ perSecond: 5, burst: 10 }, 0);
    let allowed = 0;
    for (let i = 0; i < 50; i++) if (bucket.take(0)) allowed++;
    assert.equal(allowed, 10, "the burst");
    allowed = 0;
    // 10 seconds of one attempt per millisecond: 5 a second get through.
    for (let t = 1; t <= 10_000; t++) if (bucket.take(t)) allowed++;
    assert.equal(allowed, 50);
  });

  it("refills to the burst at most, however long it was idle", () => {
    const bucket = new TokenBucket({ perSecond: 120, burst: 120 }, 0);
    for (let i = 0; i < 120; i++) bucket.take(0);
    assert.equal(bucket.take(0), false);
    let allowed = 0;
    for (let i = 0; i < 1000; i++) if (bucket.take(3_600_000)) allowed++;
    assert.equal(allowed, 120);
  });

  it("never limits a client that stays under the rate", () => {
    const bucket = new TokenBucket({ perSecond: 120, burst: 120 }, 0);
    // 60 inputs a second for a minute.
    for (let i = 0; i < 3600; i++) assert.ok(bucket.take((i * 1000) / 60));
  });
});

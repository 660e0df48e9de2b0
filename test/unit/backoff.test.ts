import assert from "node:assert/strict";
import { backoffDelay, DEFAULT_RECONNECT_POLICY } from "../../client/reconnect";

describe("client reconnection backoff", () => {
  it("doubles from 1 s and caps, within the jitter band", () => {
    const noJitter = { ...DEFAULT_RECONNECT_POLICY, jitter: 0 };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, noJitter)), [1000, 2000, 4000, 8000, 8000, 8000]);
    const p = DEFAULT_RECONNECT_POLICY;
    assert.equal(backoffDelay(1, p, () => 0), 2000 * (1 - p.jitter));
    assert.equal(backoffDelay(1, p, () => 1), 2000 * (1 + p.jitter));
  });
});

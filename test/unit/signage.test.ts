import assert from "node:assert/strict";
import { LocalPresence } from "@colyseus/core";
import { Fanout } from "../../rooms/fanout/Fanout";
import { broadcastsAfter, publishBroadcast } from "../../rooms/fanout/signage";
import { broadcastSigner } from "../../server/signing";
import { broadcastVerifier } from "../../client/verifyBroadcast";

describe("signed signage broadcasts", () => {
  const fanout = new Fanout(new LocalPresence(), "node", 10);

  it("signs {channel, seq, payload}; the display verifier accepts it and refuses tampering", async () => {
    const verify = broadcastVerifier((await broadcastSigner()).jwks);
    const b = await publishBroadcast(fanout, "program-5", { title: "Now showing", slide: 3 });
    assert.equal(b.seq, 1);
    assert.equal(await verify(b), true);
    assert.equal(await verify({ ...b, payload: { slide: 3, title: "Now showing" } }), true, "key order does not matter");
    assert.equal(await verify({ ...b, payload: { title: "Hacked", slide: 3 } }), false, "tampered payload");
    assert.equal(await verify({ ...b, channel: "program-6" }), false, "replayed on another channel");
    assert.equal(await verify({ ...b, seq: 7 }), false, "renumbered");
    assert.equal(await verify({ ...b, jws: "" }), false, "unsigned");
    const otherKey = await publishBroadcast(fanout, "program-5", "x");
    assert.equal(await verify({ ...otherKey, jws: b.jws }), false, "a signature of another message");
  });

  it("serves the retained message and later ones for polling", async () => {
    for (let i = 1; i <= 4; i++) await publishBroadcast(fanout, "program-7", `slide ${i}`);
    assert.deepEqual((await broadcastsAfter(fanout, "program-7", 2)).map((b) => b.seq), [3, 4]);
    assert.deepEqual((await broadcastsAfter(fanout, "program-7", 4)).map((b) => b.seq), [4], "retained even when nothing is newer");
    assert.deepEqual((await broadcastsAfter(fanout, "program-8", 0)), []);
  });
});

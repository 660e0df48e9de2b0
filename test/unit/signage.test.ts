import assert from "node:assert/strict";
import { LocalPresence } from "@colyseus/core";
import { Fanout } from "../../rooms/fanout/Fanout";
import { StepCalendar } from "../../server/runtime/StepCalendar";
import { InProcessChannelStore } from "../../rooms/fanout/InProcessChannelStore";
import { calculateJwkThumbprint } from "jose";
import { BroadcastEncoder, broadcastsAfter, publishBroadcast } from "../../rooms/lobby/signage";
import { signageChannelKey } from "../../rooms/fanout/keys";
import type { Broadcast } from "../../schema/serverMessages";
import { loadConfig } from "../../server/config";
import { createBroadcastSigner } from "../../server/signing";
import { SignageChannels } from "../../rooms/lobby/SignageChannels";
import { broadcastVerifier } from "../../client/verifyBroadcast";

describe("signed signage broadcasts", () => {
  const presence = new LocalPresence();
  const fanout = new Fanout(new InProcessChannelStore(presence, 10), presence, new StepCalendar());
  const broadcasts = new BroadcastEncoder(createBroadcastSigner(loadConfig({})));
  const channels = new SignageChannels(presence, fanout, 100, 0);

  /** What a display on `channel` is handed for each message published from now on. */
  function delivered(channel: string): Broadcast[] {
    const got: Broadcast[] = [];
    fanout.subscribe(signageChannelKey(channel), (m) => got.push(broadcasts.broadcastOf(m)));
    return got;
  }

  it("names its key by its RFC 7638 thumbprint", async () => {
    const [key] = broadcasts.signer.jwks.keys;
    assert.equal(key.kid, await calculateJwkThumbprint(key));
  });

  it("signs {channel, seq, payload}; the display verifier accepts it and refuses tampering", async () => {
    const verify = broadcastVerifier(broadcasts.signer.jwks);
    const got = delivered("program-5");
    const published = await publishBroadcast(fanout, channels, "program-5", { title: "Now showing", slide: 3 });
    assert.equal(published.seq, 1);
    const b = got[0];
    assert.deepEqual({ channel: b.channel, epoch: b.epoch, seq: b.seq }, published);
    assert.equal(await verify(b), true);
    assert.equal(await verify({ ...b, payload: { slide: 3, title: "Now showing" } }), true, "key order does not matter");
    assert.equal(await verify({ ...b, payload: { title: "Hacked", slide: 3 } }), false, "tampered payload");
    assert.equal(await verify({ ...b, channel: "program-6" }), false, "replayed on another channel");
    assert.equal(await verify({ ...b, seq: 7 }), false, "renumbered");
    assert.equal(await verify({ ...b, jws: "" }), false, "unsigned");
    await publishBroadcast(fanout, channels, "program-5", "x");
    assert.equal(await verify({ ...got[1], jws: b.jws }), false, "a signature of another message");
  });

  it("serves the retained message and later ones for polling, signed alike", async () => {
    const got = delivered("program-7");
    for (let i = 1; i <= 4; i++) await publishBroadcast(fanout, channels, "program-7", `slide ${i}`);
    const epoch = got[0].epoch;
    const polled = await broadcastsAfter(fanout, broadcasts, "program-7", { epoch, seq: 2 });
    assert.deepEqual(polled.messages, got.slice(2), "the same signed messages as the socket");
    assert.deepEqual((await broadcastsAfter(fanout, broadcasts, "program-7", { epoch, seq: 4 })).messages.map((b) => b.seq), [4], "retained even when nothing is newer");
    assert.deepEqual(await broadcastsAfter(fanout, broadcasts, "program-8", { seq: 0 }), { epoch: undefined, reset: false, messages: [] });
  });
});

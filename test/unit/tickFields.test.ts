import assert from "node:assert/strict";
import { Decoder, Encoder } from "@colyseus/schema";
import { MatchState, setTick, tickOf } from "../../schema/MatchState";

/** The state a client holds: what it decoded of the full state, then of each patch, as colyseus.js does. */
function clientOf(state: MatchState) {
  const encoder = new Encoder(state);
  const decoder = new Decoder(new MatchState());
  decoder.decode(encoder.encodeAll());
  encoder.discardChanges();
  return {
    decoded: decoder.state,
    /** Sends this tick's patch; its size in bytes. */
    patch(): number {
      const bytes = encoder.encode();
      decoder.decode(bytes);
      encoder.discardChanges();
      return bytes.length;
    },
  };
}

describe("the state's tick (tickLow, tickHigh in schema/MatchState.ts)", () => {
  it("reads back whatever tick was written, up to the uint32 input range", () => {
    const state = new MatchState();
    for (const tick of [0, 1, 255, 256, 257, 65_535, 65_536, 1_000_000, 0xffff_ffff]) {
      setTick(state, tick);
      assert.equal(tickOf(state), tick);
    }
  });

  it("gives a client the server's tick after every patch, across each wrap of the low byte", () => {
    const state = new MatchState();
    setTick(state, 250);
    const client = clientOf(state);
    assert.equal(tickOf(client.decoded), 250, "after the full state");
    for (let tick = 251; tick <= 250 + 3 * 256; tick++) {
      setTick(state, tick);
      client.patch();
      assert.equal(tickOf(client.decoded), tick);
    }
    // A late wake runs several ticks before one patch, across a wrap too.
    setTick(state, 1_020);
    client.patch();
    assert.equal(tickOf(client.decoded), 1_020);
  });

  it("costs a patch two bytes on a tick that only moved the low byte", () => {
    const state = new MatchState();
    setTick(state, 1_000);
    const client = clientOf(state);
    setTick(state, 1_001);
    assert.equal(client.patch(), 2, "the field's index and one byte");
  });
});

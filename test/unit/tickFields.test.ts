import assert from "node:assert/strict";
import { Decoder, Encoder } from "@colyseus/schema";
import { ackOf, MatchState, PlayerState, setAck, setTick, tickOf } from "../../schema/MatchState";

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

/** A state with one player "p" whose input `ack` was applied as of `tick`, and a client that decoded it whole. */
function onePlayerAt(tick: number, ack: number) {
  const state = new MatchState();
  const player = new PlayerState();
  state.players.set("p", player);
  setTick(state, tick);
  setAck(player, tick, ack);
  return { state, player, client: clientOf(state) };
}

describe("the state's tick and each player's ack (schema/MatchState.ts)", () => {
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

  it("gives a client each applied input's seq, whatever the seq, the tick or the gaps between inputs", () => {
    const { state, player, client } = onePlayerAt(5_000, 0);
    const decodedAck = () => ackOf(client.decoded, client.decoded.players.get("p")!);
    assert.equal(decodedAck(), 0, "no input yet");
    // A client that numbers from 1, from near the top of the uint32 range, stops sending, then goes on.
    const applied: [number, number][] = [];
    for (let t = 5_001; t <= 5_300; t++) applied.push([t, t - 5_000]);
    for (let t = 5_301; t <= 5_700; t++) applied.push([t, 0xffff_ff00 + (t - 5_301)]);
    for (let t = 5_701; t <= 6_000; t++) applied.push([t, 0xffff_ff00 + 399]);
    for (const [tick, ack] of applied) {
      setTick(state, tick);
      setAck(player, tick, ack);
      client.patch();
      assert.equal(decodedAck(), ack, `tick ${tick}`);
    }
  });

  it("costs a patch two bytes a player when arrival jitter moves the ack by a tick", () => {
    const { state, player, client } = onePlayerAt(90_000, 40_000);
    // A tick that found no input: the tick moves on, the ack does not.
    setTick(state, 90_001);
    setAck(player, 90_001, 40_000);
    const tickAlone = 2;
    const structureSwitch = 2;
    assert.equal(client.patch(), tickAlone + structureSwitch + 2, "the offset's tag and one byte");
  });
});

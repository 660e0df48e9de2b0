import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import type { ErrorMessage } from "../../schema/codes";
import { ErrorCode } from "../../schema/codes";
import { encodeInputFrame, encodeInputFrames } from "../../schema/inputFrame";
import { ackOf, MatchState, tickOf } from "../../schema/MatchState";
import type { PlayerInput } from "../../schema/input";
import { arenaForSuite, joinMatch, waitFor } from "../helpers";

describe("binary input frames in a match", () => {
  const arena = arenaForSuite(2578);

  async function join(name: string): Promise<{ room: Room<MatchState>; errors: ErrorMessage[] }> {
    const room = await joinMatch(arena.server, name);
    const errors: ErrorMessage[] = [];
    room.onMessage("error", (e: ErrorMessage) => errors.push(e));
    return { room, errors };
  }

  const me = (room: Room<MatchState>) => room.state.players.get(room.sessionId)!;
  const ackOfOwn = (room: Room<MatchState>) => ackOf(room.state, me(room));
  const sendFrame = (room: Room<MatchState>, input: PlayerInput) => room.sendBytes("input", encodeInputFrame(input));

  it("moves the player and acknowledges each frame, and the msgpack object form goes on from the same seq", async () => {
    const { room, errors } = await join("Framed");
    const startX = me(room).x;
    for (let seq = 1; seq <= 20; seq++) sendFrame(room, { seq, mx: 1, my: 0, aim: 0.5, fire: false });
    await waitFor("frames acknowledged", () => ackOfOwn(room) === 20);
    assert.ok(me(room).x > startX, `x ${startX} -> ${me(room).x}`);
    room.send("input", { seq: 21, mx: -1, my: 0, aim: 0, fire: false });
    await waitFor("object input acknowledged", () => ackOfOwn(room) === 21);
    assert.deepEqual(errors, []);
  });

  it("refuses a malformed frame with invalid_message and the reason, while the match ticks on for everyone", async () => {
    const bad = await join("Bad");
    const good = await join("Good");
    const valid = encodeInputFrame({ seq: 1, mx: 0, my: 0, aim: 0, fire: false });
    const unknownFlags = Uint8Array.from(valid);
    unknownFlags[8] = 0x84;
    const tickBefore = tickOf(bad.room.state);
    bad.room.sendBytes("input", valid.subarray(0, 12));
    bad.room.sendBytes("input", unknownFlags);
    bad.room.sendBytes("input", encodeInputFrame({ seq: 0, mx: 0, my: 0, aim: 0, fire: false }));
    for (let seq = 1; seq <= 5; seq++) sendFrame(good.room, { seq, mx: 0, my: 1, aim: 0, fire: false });
    await waitFor("three refusals", () => bad.errors.length === 3);
    assert.deepEqual(bad.errors.map((e) => e.code), Array(3).fill(ErrorCode.INVALID_MESSAGE));
    assert.match(bad.errors[0].message, /13 bytes \(one input\) or 26 \(two\), got 12/);
    assert.match(bad.errors[1].message, /unknown bits/);
    assert.match(bad.errors[2].message, /seq must be 1 or more/);
    await waitFor("the other player's frames acknowledged", () => ackOfOwn(good.room) === 5);
    assert.ok(tickOf(bad.room.state) > tickBefore, "the match kept ticking");
    assert.equal(ackOfOwn(bad.room), 0, "nothing of the bad frames was applied");
    assert.deepEqual(good.errors, []);
    sendFrame(bad.room, { seq: 1, mx: 0, my: 0, aim: 0, fire: false });
    await waitFor("the refused client is still served", () => ackOfOwn(bad.room) === 1);
  });

  it("keeps one seq order across both forms: an object input older than the last frame is stale", async () => {
    const { room, errors } = await join("Mixed");
    sendFrame(room, { seq: 10, mx: 0, my: 0, aim: 0, fire: false });
    room.send("input", { seq: 5, mx: 0, my: 0, aim: 0, fire: false });
    await waitFor("stale refusal", () => errors.length === 1);
    assert.equal(errors[0].code, ErrorCode.STALE_INPUT);
    await waitFor("the frame acknowledged", () => ackOfOwn(room) === 10);
  });

  it("queues both inputs of a two-input frame in order; a pair out of order is refused whole, and a pair older than the last input is stale", async () => {
    const { room, errors } = await join("Pairs");
    const startX = me(room).x;
    const walk = (seq: number) => ({ seq, mx: 1, my: 0, aim: 0, fire: false });
    for (let seq = 1; seq <= 20; seq += 2) room.sendBytes("input", encodeInputFrames([walk(seq), walk(seq + 1)]));
    await waitFor("all twenty acknowledged", () => ackOfOwn(room) === 20);
    assert.ok(me(room).x > startX, "moved");
    assert.equal(errors.length, 0, JSON.stringify(errors));
    room.sendBytes("input", encodeInputFrames([walk(22), walk(21)]));
    room.sendBytes("input", encodeInputFrames([walk(19), walk(20)]));
    await waitFor("two refusals", () => errors.length === 2);
    assert.equal(errors[0].code, ErrorCode.INVALID_MESSAGE);
    assert.match(errors[0].message, /consecutive seqs, got 22 then 21/);
    assert.equal(errors[1].code, ErrorCode.STALE_INPUT);
    room.sendBytes("input", encodeInputFrames([walk(21), walk(22)]));
    await waitFor("the next pair acknowledged: nothing of the refused ones was queued", () => ackOfOwn(room) === 22);
  });
});

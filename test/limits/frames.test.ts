import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { ackOf, MatchState } from "../../schema/MatchState";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, joinMatch, spyOnLogger, waitFor } from "../helpers";

describe("frame checks at the room boundary", () => {
  const arena = arenaForSuite(2668);

  async function join(name: string): Promise<{ room: Room<MatchState>; errors: string[]; closed: Promise<number> }> {
    const room = await joinMatch(arena.server, name);
    const errors: string[] = [];
    room.onMessage("error", (e) => errors.push(e.code));
    return { room, errors, closed: new Promise((resolve) => room.onLeave(resolve)) };
  }

  it("answers a message over ARENA_MAX_MESSAGE_BYTES with message_too_large and closes a frame over 4x with 1009", async () => {
    const big = await join("Big");
    big.room.sendBytes("input", new Uint8Array(4097));
    await waitFor("too-large error", () => big.errors.includes(ErrorCode.MESSAGE_TOO_LARGE));
    assert.ok(big.room.connection.isOpen, "a strike, not a disconnect");
    // Built by hand: colyseus.js's sendBytes above 8 KB swaps msgpackr's module-wide buffer for a plain
    // Uint8Array, which breaks the encoder of a server running in the same process (as here).
    const frame = new Uint8Array(4 * 4096 + 1);
    frame.set([17, 0xa5, ...Buffer.from("input")]);
    const logged = spyOnLogger();
    try {
      big.room.connection.send(frame);
      assert.equal(await big.closed, 1009);
      await waitFor("the refusal logged", () => logged.warn.length > 0);
    } finally {
      logged.restore();
    }
    assert.deepEqual(logged.error, [], "bad client input is not an error of the server");
    const [fields] = logged.warn[0] as [Record<string, unknown>];
    assert.equal(fields.address, "127.0.0.1");
    assert.ok(fields.code === 1009 || fields.code === 1006, `the close code: ${String(fields.code)}`);
    assert.match(String(fields.reason), /payload/i);
    assert.ok(!JSON.stringify(logged.warn).includes("    at "), "no stack trace");
  });

  it("refuses frames that are not Colyseus messages, and type names that are not UTF-8, without writing to the console", async () => {
    const bad = await join("Bad");
    const printed: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => printed.push(args);
    try {
      bad.room.connection.send(Uint8Array.from([99, 1, 2, 3])); // no such frame kind
      bad.room.connection.send(new Uint8Array(0));
      // ROOM_DATA, a 3-byte type name with invalid UTF-8, then a msgpack payload.
      bad.room.connection.send(Uint8Array.from([13, 0xa3, 0xff, 0xfe, 0xfd, 0xc0]));
      // ROOM_DATA, a type name longer than the frame.
      bad.room.connection.send(Uint8Array.from([13, 0xbf, 0x61]));
      await waitFor("four refusals", () => bad.errors.length === 4);
    } finally {
      console.error = consoleError;
    }
    assert.deepEqual(bad.errors, Array(4).fill(ErrorCode.INVALID_MESSAGE));
    assert.deepEqual(printed, []);
    bad.room.send("input", { seq: 1, mx: 0, my: 0, aim: 0, fire: false });
    await waitFor("still served", () => ackOf(bad.room.state, bad.room.state.players.get(bad.room.sessionId)!) === 1);
  });
});

import assert from "node:assert/strict";
import type { Socket } from "node:net";
import type { Room } from "colyseus.js";
import type { LobbyRoom } from "../../rooms/lobby/LobbyRoom";
import { CloseCode } from "../../schema/codes";
import type { Broadcast } from "../../schema/serverMessages";
import { arenaForSuite, clientWith, testToken, waitFor } from "../helpers";

const BOUND = 64 * 1024;

/**
 * A display that stops reading must not cost the server unbounded memory nor
 * hold up the others: past ARENA_MAX_CLIENT_BUFFER_BYTES unsent it is closed
 * with 4413, and the displays beside it get every broadcast.
 */
describe("a display that does not read what it is sent", () => {
  const arena = arenaForSuite(2776, { ARENA_MAX_CLIENT_BUFFER_BYTES: String(BOUND) });

  it(`is closed with ${CloseCode.SLOW_CONSUMER} once it holds more than ARENA_MAX_CLIENT_BUFFER_BYTES; the others get every broadcast, in order`, async () => {
    const [operatorToken, displayToken] = await Promise.all([testToken({ name: "ops", role: "operator" }), testToken({ name: "screen", role: "display" })]);
    const channel = `slow-${process.pid}`;
    const join = async () => {
      const room = await clientWith(arena.server, displayToken).joinOrCreate("lobby", { channels: [channel] });
      const got: number[] = [];
      room.onMessage("broadcast", (b: Broadcast) => got.push(b.seq));
      return { room, got };
    };
    const [stalled, a, b] = await Promise.all([join(), join(), join()]);
    const lobby = arena.server.getRoomById(stalled.room.roomId) as unknown as LobbyRoom;
    const serverSide = lobby.clients.getById(stalled.room.sessionId)!;
    const ws = serverSide.ref as unknown as { _socket: Socket; readyState: number };
    let leftWith: number | undefined;
    stalled.room.onLeave((code) => (leftWith = code));

    // Corked, the server's socket keeps every write in memory, as it does when the client does not read.
    ws._socket.cork();
    const payload = { slide: "x".repeat(10_000) };
    const published = 12; // 12 x 10 KB: past the 64 KB bound
    for (let i = 0; i < published; i++) {
      const res = await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${operatorToken}` },
        body: JSON.stringify({ payload }),
      });
      assert.equal(res.status, 201);
    }
    await waitFor("the others have every broadcast", () => a.got.length === published && b.got.length === published);
    const all = Array.from({ length: published }, (_, i) => i + 1);
    assert.deepEqual(a.got, all);
    assert.deepEqual(b.got, all);
    await waitFor("the server closing the stalled display", () => ws.readyState !== 1);
    ws._socket.uncork(); // it reads again within the grace second: it gets the close code
    await waitFor("the stalled display told why it was closed", () => leftWith !== undefined);
    assert.equal(leftWith, CloseCode.SLOW_CONSUMER);
    assert.ok(stalled.got.length < published, "it was closed before it got all of them");
    await waitFor("the lobby let it go", () => lobby.clients.length === 2);
    await Promise.all([a.room.leave(), b.room.leave()] as Promise<unknown>[]);
  });

  it("a socket that never reads again is destroyed a second after the close, freeing what it held", async () => {
    const [operatorToken, displayToken] = await Promise.all([testToken({ name: "ops", role: "operator" }), testToken({ name: "screen", role: "display" })]);
    const channel = `never-${process.pid}`;
    const room: Room = await clientWith(arena.server, displayToken).joinOrCreate("lobby", { channels: [channel] });
    const lobby = arena.server.getRoomById(room.roomId) as unknown as LobbyRoom;
    const ws = lobby.clients.getById(room.sessionId)!.ref as unknown as { _socket: Socket; readyState: number };
    ws._socket.cork();
    for (let i = 0; i < 8; i++) {
      await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${operatorToken}` },
        body: JSON.stringify({ payload: { slide: "y".repeat(10_000) } }),
      });
    }
    await waitFor("the socket destroyed", () => ws._socket.destroyed, 3000);
    await waitFor("the lobby let it go", () => lobby.clients.length === 0);
  });

  it("a display catching up more than the bound (after: 0) is sent it at the pace it reads: all of it, in order, and not closed", async () => {
    const [operatorToken, displayToken] = await Promise.all([testToken({ name: "ops", role: "operator" }), testToken({ name: "screen", role: "display" })]);
    const channel = `catchup-${process.pid}`;
    const stored = 20; // 20 x 10 KB: three times the 64 KB bound
    for (let i = 0; i < stored; i++) {
      const res = await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${operatorToken}` },
        body: JSON.stringify({ payload: { slide: "z".repeat(10_000) } }),
      });
      assert.equal(res.status, 201);
    }
    const room: Room = await clientWith(arena.server, displayToken).joinOrCreate("lobby", {});
    const got: number[] = [];
    room.onMessage("broadcast", (b: Broadcast) => got.push(b.seq));
    let leftWith: number | undefined;
    room.onLeave((code) => (leftWith = code));
    const lobby = arena.server.getRoomById(room.roomId) as unknown as LobbyRoom;
    const ws = lobby.clients.getById(room.sessionId)!.ref as unknown as { _socket: Socket; bufferedAmount: number; readyState: number };
    ws._socket.cork(); // it reads nothing for now
    room.send("subscribe", { channel, after: 0 });
    await waitFor("the catch-up started", () => ws.bufferedAmount > BOUND / 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(ws.bufferedAmount <= BOUND, `it holds at most the bound unsent (${ws.bufferedAmount} bytes)`);
    assert.equal(ws.readyState, 1, "still open");
    ws._socket.uncork();
    await waitFor("the whole backlog read", () => got.length === stored);
    assert.deepEqual(got, Array.from({ length: stored }, (_, i) => i + 1));
    assert.equal(leftWith, undefined);
    await room.leave();
  });
});

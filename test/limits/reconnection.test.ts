import assert from "node:assert/strict";
import type { Client, Room } from "colyseus.js";
import type { MatchState } from "../../schema/MatchState";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, clientWith, dropSocket, metricsText, testToken, waitFor } from "../helpers";

const PER_MINUTE = 12;

/**
 * A held seat goes back only to the identity that held it: a reconnection
 * token alone, or with another player's token, is refused (and counted), the
 * owner still resumes; reconnect calls count against the matchmaking rate.
 */
describe("reconnecting to a held seat", () => {
  const arena = arenaForSuite(2881, { ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: String(PER_MINUTE) });

  async function droppedPlayer(): Promise<{ owner: Client; room: Room<MatchState>; mate: Room<MatchState>; mallory: Client }> {
    const [ownerToken, mateToken, malloryToken] = await Promise.all(
      ["owner", "mate", "mallory"].map((name) => testToken({ name, role: "player", sub: `${name}-${process.pid}-${Date.now()}` })),
    );
    const owner = clientWith(arena.server, ownerToken);
    const room = await owner.create<MatchState>("match", { team: "red" });
    const mate = await clientWith(arena.server, mateToken).joinById<MatchState>(room.roomId, { team: "red" });
    await waitFor("both seated", () => mate.state.players?.size === 2);
    dropSocket(room);
    await waitFor("seat held, shown disconnected", () => mate.state.players.get(room.sessionId)?.connected === false);
    return { owner, room, mate, mallory: clientWith(arena.server, malloryToken) };
  }

  it("refuses the reconnection token alone and with another identity's token; the owner then resumes its seat", async () => {
    const { owner, room, mate, mallory } = await droppedPlayer();
    const refusedBefore = await refusedCount();
    await assert.rejects(clientWith(arena.server).reconnect(room.reconnectionToken), (err: { code: number; message: string }) => {
      assert.equal(err.code, 401);
      assert.match(err.message, new RegExp(ErrorCode.TOKEN_MISSING));
      return true;
    });
    await assert.rejects(mallory.reconnect(room.reconnectionToken), (err: { code: number; message: string }) => {
      assert.equal(err.code, 403);
      assert.match(err.message, new RegExp(ErrorCode.RECONNECT_FORBIDDEN));
      return true;
    });
    assert.equal(await refusedCount(), refusedBefore + 1, "the other identity's attempt is counted");
    assert.equal(mate.state.players.get(room.sessionId)?.connected, false, "the seat is still held, nobody in it");

    const back = await owner.reconnect<MatchState>(room.reconnectionToken);
    assert.equal(back.sessionId, room.sessionId);
    await waitFor("the owner connected again", () => mate.state.players.get(room.sessionId)?.connected === true);
    await Promise.all([back.leave(), mate.leave()]);
  });

  it(`counts reconnect calls against the matchmaking rate (${PER_MINUTE} a minute): past it they get 429`, async () => {
    const { room, mallory } = await droppedPlayer();
    const codes: number[] = [];
    for (let i = 0; i < PER_MINUTE + 3; i++) {
      await mallory.reconnect(room.reconnectionToken).then(
        () => codes.push(200),
        (err: { code: number }) => codes.push(err.code),
      );
    }
    assert.ok(codes.includes(429), `no 429 among ${codes.join(",")}`);
    assert.ok(!codes.includes(200), "no attempt took the seat");
  });

  async function refusedCount(): Promise<number> {
    const text = await metricsText(arena.server);
    const line = text.split("\n").find((l) => l.startsWith(`arena_connections_refused_total{code="${ErrorCode.RECONNECT_FORBIDDEN}"}`));
    return line ? Number(line.split(" ").pop()) : 0;
  }
});

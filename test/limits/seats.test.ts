import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import type { MatchRoom } from "../../rooms/MatchRoom";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, clientWith, joinMatch, testToken, waitFor } from "../helpers";

const PER_ADDRESS = 6;
const PER_IDENTITY = 3;

/**
 * Rooms and seats cost what they are worth: a match made and never joined
 * does not tick and is gone after the reservation time; every reservation
 * counts against its address and its identity until taken up or expired.
 */
describe("seats and rooms nobody joins", () => {
  const arena = arenaForSuite(2885, {
    ARENA_SEAT_RESERVATION_SECONDS: "1",
    ARENA_MAX_CONNECTIONS_PER_IP: String(PER_ADDRESS),
    ARENA_MAX_CONNECTIONS_PER_IDENTITY: String(PER_IDENTITY),
    ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "1000",
  });

  /** What a matchmaking call over plain HTTP answers: a reservation nobody will use, or the error. */
  async function reserve(method: "create" | "joinById", target: string, token: string): Promise<{ roomId?: string; code?: number; error?: string }> {
    const res = await fetch(`${arena.server.httpUrl}/matchmake/${method}/${target}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: "{}",
    });
    const body = (await res.json()) as { room?: { roomId: string }; code?: number; error?: string };
    return { roomId: body.room?.roomId, code: body.code, error: body.error };
  }

  const player = (name: string) => testToken({ name, role: "player", sub: `${name}-${process.pid}-${Date.now()}` });

  it("a match made and never joined never ticks, and is disposed once its reservation expires", async () => {
    const { roomId } = await reserve("create", "match", await player("maker"));
    assert.ok(roomId);
    const room = matchMaker.getLocalRoomById(roomId) as unknown as MatchRoom;
    await waitFor("the unjoined match disposed", () => matchMaker.getLocalRoomById(roomId) === undefined, 5000);
    assert.equal(room.simulationSteps, 0, "it never ticked");

    const red = await joinMatch(arena.server, "red", { team: "red" });
    const live = arena.server.getRoomById(red.roomId) as unknown as MatchRoom;
    await waitFor("a joined match ticks", () => live.simulationSteps > 0);
    await red.leave();
  });

  it(`counts reservations against the identity (${PER_IDENTITY}) and the address (${PER_ADDRESS}); expired ones are given back`, async () => {
    const greedy = await player("greedy");
    const made: string[] = [];
    for (let i = 0; i < PER_IDENTITY; i++) {
      const { roomId, error } = await reserve("create", "match", greedy);
      assert.ok(roomId, error);
      made.push(roomId);
    }
    const refused = await reserve("create", "match", greedy);
    assert.equal(refused.code, 429);
    assert.match(refused.error ?? "", new RegExp(`${ErrorCode.TOO_MANY_CONNECTIONS}: this identity`));

    // Seats reserved by joinById, from other identities on the same address, up to the address's cap.
    for (let i = made.length; i < PER_ADDRESS; i++) assert.ok((await reserve("joinById", made[0], await player(`friend${i}`))).roomId);
    const full = await reserve("joinById", made[0], await player("one-too-many"));
    assert.equal(full.code, 429);
    assert.match(full.error ?? "", new RegExp(ErrorCode.TOO_MANY_CONNECTIONS));

    await waitFor("the unused reservations given back", async () => (await reserve("create", "match", greedy)).roomId !== undefined, 5000);
    await waitFor("every unjoined match gone", () => made.every((id) => matchMaker.getLocalRoomById(id) === undefined), 5000);
  });

  it("a player holds a seat while connected and gives it back when it leaves", async () => {
    const token = await player("regular");
    const rooms = [];
    for (let i = 0; i < PER_IDENTITY; i++) rooms.push(await clientWith(arena.server, token).create("match", { team: "red" }));
    await assert.rejects(clientWith(arena.server, token).create("match", { team: "red" }), /too_many_connections/);
    await rooms[0].leave();
    await waitFor("a seat given back", async () => {
      try {
        rooms.push(await clientWith(arena.server, token).create("match", { team: "red" }));
        return true;
      } catch {
        return false;
      }
    });
    await Promise.all(rooms.slice(1).map((r) => r.leave()));
  });
});

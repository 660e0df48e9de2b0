import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import WebSocket from "ws";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, playerClient, testToken, withArena } from "../helpers";

interface Reservation {
  room: { processId: string; roomId: string };
  sessionId: string;
}

/** Opens a raw WebSocket to `url`: "open", or the HTTP status the upgrade was refused with. */
function upgrade(url: string): Promise<{ outcome: "open"; ws: WebSocket } | { outcome: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => resolve({ outcome: "open", ws }));
    ws.once("unexpected-response", (_req, res) => {
      resolve({ outcome: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once("error", (error) => (error.message.includes("Unexpected server response") ? undefined : reject(error)));
  });
}

/** Runs `task` `total` times, `parallel` at once. */
async function inBatches<T>(total: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < total; start += parallel) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(parallel, total - start) }, (_, k) => task(start + k)))));
  }
  return results;
}

describe("connection limits", () => {
  const arena = arenaForSuite(2662, { ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "100000" });

  async function reserve(): Promise<Reservation> {
    const res = await fetch(`${arena.server.httpUrl}/matchmake/joinOrCreate/match`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await testToken({ name: "R", role: "player" })}` },
      body: "{}",
    });
    const body = (await res.json()) as Reservation & { error?: string };
    if (body.error) throw new Error(body.error);
    return body;
  }
  const seatUrl = (r: Reservation) => `ws://127.0.0.1:${arena.server.port}/${r.room.processId}/${r.room.roomId}?sessionId=${r.sessionId}`;

  async function heldByThisAddress(): Promise<number> {
    const res = await fetch(`${arena.server.httpUrl}/api/connections`, { headers: { Authorization: `Bearer ${await testToken({ name: "Ops", role: "operator" })}` } });
    const body = (await res.json()) as { top: Array<{ ip: string; connections: number }> };
    return body.top.find((t) => t.ip === "127.0.0.1")?.connections ?? 0;
  }

  it("caps seats per address at 25, reservations included: the 26th is refused at matchmaking", async () => {
    const rooms: Room[] = [];
    for (let i = 0; i < 24; i++) rooms.push(await (await playerClient(arena.server, `P${i}`)).joinOrCreate("match"));
    // A seat reserved while 24 are held counts at once: a second reservation is refused before any socket.
    const first = await reserve();
    assert.equal(await heldByThisAddress(), 25, "the reservation counts");
    await assert.rejects(reserve(), new RegExp(`^Error: ${ErrorCode.TOO_MANY_CONNECTIONS}:`));
    const admitted = await upgrade(seatUrl(first));
    assert.equal(admitted.outcome, "open");
    assert.equal(await heldByThisAddress(), 25, "taking the seat up costs nothing more");

    const refused = await (await playerClient(arena.server, "P26")).joinOrCreate("match").then(
      () => assert.fail("the 26th join was admitted"),
      (e: { code: number; message: string }) => e,
    );
    assert.equal(refused.code, 429);
    assert.match(refused.message, new RegExp(`^${ErrorCode.TOO_MANY_CONNECTIONS}:`));

    // Closing connections gives their places back.
    if (admitted.outcome === "open") admitted.ws.close();
    await rooms.pop()!.leave();
    for (let i = 0; i < 50 && (await heldByThisAddress()) > 23; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await heldByThisAddress(), 23);
    rooms.push(await (await playerClient(arena.server, "Back")).joinOrCreate("match"));
    rooms.push(await (await playerClient(arena.server, "Again")).joinOrCreate("match"));
  });

  it("refuses 2,000 connection attempts without a valid token or seat, holding nothing and bounded memory", async function () {
    this.timeout(60_000);
    const someRoom = await reserve(); // a real room, for bogus sessions on it
    const attempt = async (i: number): Promise<string> => {
      switch (i % 4) {
        case 0: {
          // Matchmaking without a token, or with garbage.
          const res = await fetch(`${arena.server.httpUrl}/matchmake/joinOrCreate/match`, {
            method: "POST",
            headers: { "Content-Type": "application/json", ...(i % 8 ? { Authorization: `Bearer junk.${i}.junk` } : {}) },
            body: "{}",
          });
          return String(((await res.json()) as { code: number }).code);
        }
        case 1: // a made-up room and session
          return String((await upgrade(`ws://127.0.0.1:${arena.server.port}/proc${i}/room${i}?sessionId=s${i}`)).outcome);
        case 2: // a real room, a made-up session
          return String((await upgrade(`ws://127.0.0.1:${arena.server.port}/${someRoom.room.processId}/${someRoom.room.roomId}?sessionId=x${i}`)).outcome);
        default: // a seat that was never reserved, and a reconnection token that was never issued
          return String((await upgrade(`${seatUrl(someRoom)}x&reconnectionToken=${i}`)).outcome);
      }
    };
    /** RSS after a full collection (mocha runs node with --expose-gc): what is retained, not garbage not yet collected. */
    const rssMb = () => {
      global.gc?.();
      return process.memoryUsage().rss / 2 ** 20;
    };
    // Warm-up: the first round raises the allocator's high-water mark once (pools, buffers, JIT); the
    // bound is on what a further 2,000 add, which a leak would show.
    await inBatches(2000, 50, attempt);
    const rssBefore = rssMb();
    const outcomes = await inBatches(2000, 50, attempt);
    const rssAfter = rssMb();
    const byOutcome = outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
    assert.deepEqual(byOutcome, { "401": 2000 }, "every attempt refused as unauthenticated");
    assert.equal(await heldByThisAddress(), 1, "refused attempts hold nothing: only the one real reservation counts");
    // Documented bound (docs/operations.md): 2,000 refused attempts grow RSS by less than 32 MB.
    assert.ok(rssAfter - rssBefore < 32, `RSS grew ${(rssAfter - rssBefore).toFixed(1)} MB`);
    console.log(`      2,000 refused attempts: RSS ${rssBefore.toFixed(1)} MB -> ${rssAfter.toFixed(1)} MB after GC`);
    // And the node still serves real players.
    await (await playerClient(arena.server, "Real")).joinOrCreate("match");
  });

  it("rate-limits matchmaking per address (429 rate_limited)", async () => {
    await withArena(2663, { ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "5" }, async (strict) => {
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${strict.httpUrl}/matchmake/joinOrCreate/match`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
        codes.push(((await res.json()) as { code: number }).code);
      }
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429, 429]);
    });
  });
});

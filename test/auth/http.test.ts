import assert from "node:assert/strict";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, clientWith, guestToken, testToken, withArena } from "../helpers";

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

describe("HTTP auth routes and errors", () => {
  const arena = arenaForSuite(2656, { ARENA_AUTH_REQUESTS_PER_MINUTE: "8" });

  async function call(method: string, path: string, options: { token?: string; body?: string } = {}): Promise<Reply> {
    const res = await fetch(`${arena.server.httpUrl}${path}`, {
      method,
      headers: { "Content-Type": "application/json", ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
      body: options.body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }
  const guest = (body: object) => call("POST", "/api/auth/guest", { body: JSON.stringify(body) });
  const errorOf = (reply: Reply) => [reply.status, reply.body?.error?.code];

  it("issues guest tokens for players and displays that verify and join as that role", async () => {
    const player = await guestToken(arena.server, "Guest", "player");
    const me = await call("GET", "/api/whoami", { token: player });
    assert.equal(me.status, 200);
    assert.equal(me.body.name, "Guest");
    assert.equal(me.body.role, "player");
    assert.match(me.body.sub, /^player-/);
    const room = await clientWith(arena.server, player).joinOrCreate("match");
    await room.leave();

    const display = await guestToken(arena.server, "Lobby screen", "display");
    assert.equal((await call("GET", "/api/whoami", { token: display })).body.role, "display");
    await assert.rejects(clientWith(arena.server, display).joinOrCreate("match"), (e: any) => e.code === 403);
  });

  it("never issues an operator guest token, and validates the body (400 invalid_request)", async () => {
    assert.deepEqual(errorOf(await guest({ name: "Root", role: "operator" })), [400, ErrorCode.INVALID_REQUEST]);
    assert.deepEqual(errorOf(await guest({ name: "", role: "player" })), [400, ErrorCode.INVALID_REQUEST]);
    assert.deepEqual(errorOf(await call("POST", "/api/auth/guest", { body: "{nope" })), [400, ErrorCode.INVALID_REQUEST]);
  });

  it("guards operator routes with requireRole: 401 without a valid token, 403 for other roles", async () => {
    assert.deepEqual(errorOf(await call("GET", "/api/connections")), [401, ErrorCode.TOKEN_MISSING]);
    assert.deepEqual(errorOf(await call("GET", "/api/connections", { token: "garbage" })), [401, ErrorCode.TOKEN_INVALID]);
    const expired = await testToken({ name: "Ops", role: "operator" }, { ttlSeconds: -3600 });
    assert.deepEqual(errorOf(await call("GET", "/api/connections", { token: expired })), [401, ErrorCode.TOKEN_EXPIRED]);
    for (const role of ["player", "display"] as const) {
      const token = await testToken({ name: "Someone", role });
      assert.deepEqual(errorOf(await call("GET", "/api/connections", { token })), [403, ErrorCode.ROLE_FORBIDDEN]);
    }
    // An operator sees who holds connections (the players below come from this test's own address).
    const rooms = await Promise.all([1, 2].map(async () => clientWith(arena.server, await testToken({ name: "P", role: "player" })).joinOrCreate("match")));
    const operator = await testToken({ name: "Ops", role: "operator" });
    let ops = await call("GET", "/api/connections", { token: operator });
    assert.equal(ops.status, 200);
    assert.equal(ops.body.maxPerIp, 25);
    // Sockets of earlier tests may take a moment to close on the server side.
    for (let i = 0; i < 100 && ops.body.top[0]?.connections !== 2; i++) ops = await call("GET", "/api/connections", { token: operator });
    assert.deepEqual(ops.body.top, [{ ip: "127.0.0.1", connections: 2 }]);
    await Promise.all(rooms.map((r) => r.leave()));
  });

  it("answers oversize bodies 413, on the API and on matchmaking", async () => {
    const big = JSON.stringify({ name: "x".repeat(20_000), role: "player" });
    assert.deepEqual(errorOf(await guest({ name: "x".repeat(20_000), role: "player" })), [413, ErrorCode.PAYLOAD_TOO_LARGE]);
    const matchmake = await call("POST", "/matchmake/joinOrCreate/match", { body: big, token: await testToken({ name: "P", role: "player" }) });
    assert.equal(matchmake.status, 413);
    assert.match(matchmake.body.error, new RegExp(`^${ErrorCode.PAYLOAD_TOO_LARGE}:`));
  });

  it("answers unknown API paths 404 in the same shape", async () => {
    assert.deepEqual(errorOf(await call("GET", "/api/nope")), [404, ErrorCode.NOT_FOUND]);
  });

  it("rate-limits the guest endpoint per address (429 with Retry-After)", async () => {
    // This file's earlier guest requests count too: 8 a minute in this server.
    const replies: Reply[] = [];
    for (let i = 0; i < 10; i++) replies.push(await guest({ name: `G${i}`, role: "player" }));
    const limited = replies.filter((r) => r.status === 429);
    assert.ok(limited.length >= 2, `${limited.length} of 10 limited`);
    assert.equal(limited[0].body.error.code, ErrorCode.RATE_LIMITED);
    assert.ok(Number(limited[0].headers.get("retry-after")) > 0);
    // Other routes are not affected.
    assert.equal((await call("GET", "/healthz")).status, 200);
  });

  it("refuses guest tokens when a secret is configured and ARENA_GUEST_AUTH is not set", async () => {
    await withArena(2657, { ARENA_GUEST_AUTH: "" }, async (locked) => {
      const res = await fetch(`${locked.httpUrl}/api/auth/guest`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "G", role: "player" }),
      });
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as any).error.code, ErrorCode.GUESTS_DISABLED);
    });
  });
});

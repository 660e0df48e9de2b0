import assert from "node:assert/strict";
import { Operator } from "../../client/Operator";
import type { Room } from "colyseus.js";
import { ErrorCode } from "../../schema/codes";
import type { MatchState } from "../../schema/MatchState";
import type { UserMessage } from "../../schema/serverMessages";
import type { Role } from "../../server/auth/identity";
import { arenaForSuite, clientWith, dropSocket, metricsText, sleep, testToken, waitFor } from "../helpers";

const PORT = 2770;

/** A connection of identity `sub` in `room`, recording what its user channel brings. */
function device(room: Room) {
  const got: UserMessage[] = [];
  const errors: { code: string }[] = [];
  room.onMessage("user", (m: UserMessage) => got.push(m));
  room.onMessage("error", (e: { code: string }) => errors.push(e));
  for (const type of ["rooms", "+", "-", "gap", "reset", "chat", "typing"]) room.onMessage(type, () => {});
  return { room, got, errors, payloads: () => got.map((m) => m.payload) };
}

describe("user channels: every connection of one identity, in any room", () => {
  const arena = arenaForSuite(PORT, { ARENA_MAX_CONNECTIONS_PER_IP: "1000", ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "100000", ARENA_COUNTDOWN_SECONDS: "60" });
  let n = 0;
  const fresh = (name: string) => `${name}-${process.pid}-${n++}`;
  const token = (sub: string, role: Role = "player") => testToken({ name: sub.slice(0, 20), role, sub });

  async function inLobby(sub: string, options: object = {}) {
    return device(await clientWith(arena.server, await token(sub, "display")).joinOrCreate("lobby", { userChannel: true, ...options }));
  }

  async function inMatch(sub: string) {
    return device(await clientWith(arena.server, await token(sub)).joinOrCreate<MatchState>("match", {}));
  }

  async function push(sub: string, payload: unknown, role: Role = "service"): Promise<Response> {
    return fetch(`${arena.server.httpUrl}/api/users/${encodeURIComponent(sub)}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token("backend", role)}` },
      body: JSON.stringify({ payload }),
    });
  }

  async function poll(sub: string, asSub: string, query = ""): Promise<Response> {
    return fetch(`${arena.server.httpUrl}/api/users/${encodeURIComponent(sub)}/messages${query}`, {
      headers: { Authorization: `Bearer ${await token(asSub, "display")}` },
    });
  }

  it("a backend's push reaches every device of that identity, in the lobby and in a match, once; nobody else", async () => {
    const [alice, bob] = [fresh("alice"), fresh("bob")];
    const phone = await inLobby(alice);
    const pc = await inMatch(alice);
    const other = await inLobby(bob);
    await sleep(100);
    const res = await push(alice, { watched: "ep-4", at: 1312 });
    assert.equal(res.status, 201);
    const answer = (await res.json()) as { channel: string; seq: number; epoch: string };
    assert.deepEqual({ channel: answer.channel, seq: answer.seq }, { channel: `user-${alice}`, seq: 1 });
    await waitFor("both of alice's devices", () => phone.got.length === 1 && pc.got.length === 1);
    await sleep(100);
    for (const d of [phone, pc]) assert.deepEqual(d.got.map((m) => [m.channel, m.seq, m.payload]), [[`user-${alice}`, 1, { watched: "ep-4", at: 1312 }]]);
    assert.equal(other.got.length, 0, "another identity gets nothing");
    const metrics = await metricsText(arena.server);
    const value = (line: RegExp) => Number(metrics.match(line)?.[1]);
    assert.equal(value(/^arena_users_connected (\d+)/m), 2, "two identities connected");
    assert.equal(value(/^arena_user_connections (\d+)/m), 3, "three connections");
    assert.ok(value(/^arena_fanout_relayed_total\{kind="user"\} (\d+)/m) >= 2, "relays counted by kind");
    assert.ok(value(/^arena_fanout_latency_seconds_count\{kind="user"\} (\d+)/m) >= 2, "relay latency by kind");
  });

  it("a display gets its user channel only when it asks (join option userChannel); players always", async () => {
    const sub = fresh("screen");
    const asking = await inLobby(sub);
    const silent = device(await clientWith(arena.server, await token(sub, "display")).joinOrCreate("lobby", {}));
    const player = device(await clientWith(arena.server, await token(sub)).joinOrCreate("lobby", {}));
    assert.equal((await push(sub, "hello")).status, 201);
    await waitFor("the asking display and the player get it", () => asking.got.length === 1 && player.got.length === 1);
    assert.equal((await push(sub, "again")).status, 201);
    await waitFor("the second", () => asking.got.length === 2 && player.got.length === 2);
    assert.deepEqual(silent.got, [], "a display that did not ask gets no user message");
    const refused = await clientWith(arena.server, await token(sub, "display")).joinOrCreate("lobby", { userChannel: 1 }).then(() => "joined", (e: Error) => e.message);
    assert.match(refused, /userChannel/);
    await Promise.all([asking, silent, player].map((d) => d.room.leave()));
  });

  it("a device's post reaches its identity's other devices, not itself (device handoff)", async () => {
    const alice = fresh("alice");
    const phone = await inLobby(alice);
    const tv = await inLobby(alice);
    const pc = await inMatch(alice);
    await sleep(100);
    phone.room.send("user", { payload: { continueOn: "tv", position: 754 } });
    await waitFor("the other devices", () => tv.got.length === 1 && pc.got.length === 1);
    await sleep(100);
    assert.equal(phone.got.length, 0, "not back to the sender");
    assert.deepEqual(tv.payloads(), [{ continueOn: "tv", position: 754 }]);
    phone.room.send("user", { nothing: true });
    await waitFor("a post without payload refused", () => phone.errors.some((e) => e.code === ErrorCode.INVALID_MESSAGE));
  });

  it("an offline device catches up: a match seat resumes its user channel, a lobby device passes `after`, polling reads it", async () => {
    const alice = fresh("alice");
    const pc = await inMatch(alice);
    await sleep(100);
    assert.equal((await push(alice, "one")).status, 201);
    await waitFor("live", () => pc.got.length === 1);
    const epoch = pc.got[0].epoch;

    // The match seat drops, misses two, reconnects and reports where it was.
    const reconnectionToken = pc.room.reconnectionToken;
    dropSocket(pc.room);
    await sleep(200);
    for (const payload of ["two", "three"]) assert.equal((await push(alice, payload)).status, 201);
    const back = device(await clientWith(arena.server, await token(alice)).reconnect<MatchState>(reconnectionToken));
    back.room.send("resume", { channels: { [`user-${alice}`]: 1 }, epochs: { [`user-${alice}`]: epoch } });
    await waitFor("the missed ones", () => back.got.length === 2);
    assert.deepEqual(back.payloads(), ["two", "three"]);

    // A lobby device that was away passes its position.
    const phone = await inLobby(alice, { after: { [`user-${alice}`]: 1 }, epochs: { [`user-${alice}`]: epoch } });
    await waitFor("caught up", () => phone.got.length === 2);
    assert.deepEqual(phone.got.map((m) => m.seq), [2, 3]);

    // A device without a socket polls its own channel.
    const polled = (await (await poll(alice, alice, `?after=1&epoch=${epoch}`)).json()) as { messages: UserMessage[] };
    assert.deepEqual(polled.messages.map((m) => [m.seq, m.payload]), [[2, "two"], [3, "three"]]);
  });

  it("takes positions for the longest subject a token may carry (128 characters)", async () => {
    const longSub = `${"s".repeat(120)}${String(n++).padStart(8, "0")}`;
    assert.equal((await push(longSub, "kept")).status, 201);
    const phone = await inLobby(longSub, { after: { [`user-${longSub}`]: 0 } });
    await waitFor("the backlog from its position", () => phone.got.length === 1);
    assert.deepEqual(phone.payloads(), ["kept"]);
  });

  it("refuses reading or pushing what is not yours, with clear codes, and delivers nothing", async () => {
    const [alice, mallory] = [fresh("alice"), fresh("mallory")];
    const phone = await inLobby(alice);
    await sleep(100);
    const spy = await poll(alice, mallory);
    assert.equal(spy.status, 403);
    assert.equal(((await spy.json()) as { error: { code: string } }).error.code, ErrorCode.FORBIDDEN_CHANNEL);
    const asPlayer = await push(alice, "from a player", "player");
    assert.equal(asPlayer.status, 403);
    assert.equal(((await asPlayer.json()) as { error: { code: string } }).error.code, ErrorCode.ROLE_FORBIDDEN);
    assert.equal((await push("x".repeat(200), "too long a sub")).status, 400);
    const noPayload = await fetch(`${arena.server.httpUrl}/api/users/${alice}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token("backend", "service")}` },
      body: JSON.stringify({}),
    });
    assert.equal(noPayload.status, 400);
    assert.equal((await push(alice, "x".repeat(20_000))).status, 413, "over ARENA_MAX_HTTP_BODY_BYTES");
    assert.equal((await push(alice, "by an operator", "operator")).status, 201, "operators may push too");
    // A backend's retry with the same Idempotency-Key answers the first seq and delivers nothing again.
    const keyed = async () => (await fetch(`${arena.server.httpUrl}/api/users/${alice}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": `k-${alice}`, Authorization: `Bearer ${await token("backend", "service")}` },
      body: JSON.stringify({ payload: "keyed" }),
    })).json() as Promise<{ seq: number }>;
    assert.deepEqual(await keyed(), await keyed());
    await waitFor("the operator's and the keyed push", () => phone.got.length === 2);
    await sleep(100);
    assert.deepEqual(phone.payloads(), ["by an operator", "keyed"]);
  });

  it("a batch push reaches each identity's devices in the batch's order, answers each message's seq, and refuses a bad batch whole", async () => {
    const [alice, bob] = [fresh("alice"), fresh("bob")];
    const [alicePhone, bobTv] = [await inLobby(alice), await inLobby(bob)];
    await sleep(100);
    const backend = new Operator({ endpoint: arena.server.httpUrl, token: await token("backend", "service") });
    const answer = await backend.pushToUsers([
      { sub: alice, payload: "a1" }, { sub: bob, payload: "b1" }, { sub: alice, payload: "a2" }, { sub: alice, payload: "a3" },
    ]);
    assert.deepEqual(answer.results.map((r) => ("seq" in r ? [r.channel, r.seq] : r)), [
      [`user-${alice}`, 1], [`user-${bob}`, 1], [`user-${alice}`, 2], [`user-${alice}`, 3],
    ]);
    await waitFor("every message", () => alicePhone.got.length === 3 && bobTv.got.length === 1);
    assert.deepEqual(alicePhone.payloads(), ["a1", "a2", "a3"]);
    assert.deepEqual(bobTv.payloads(), ["b1"]);
    const refuse = async (body: unknown, role: Role = "service") => fetch(`${arena.server.httpUrl}/api/users/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token("backend", role)}` },
      body: JSON.stringify(body),
    });
    for (const bad of [{}, { messages: [] }, { messages: [{ sub: alice }] }, { messages: [{ sub: "", payload: 1 }] }, { messages: Array.from({ length: 101 }, () => ({ sub: alice, payload: 1 })) }]) {
      const res = await refuse(bad);
      assert.equal(res.status, 400, JSON.stringify(bad).slice(0, 80));
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, ErrorCode.INVALID_REQUEST);
    }
    assert.equal((await refuse({ messages: [{ sub: alice, payload: "from a player" }] }, "player")).status, 403);
    await sleep(100);
    assert.deepEqual(alicePhone.payloads(), ["a1", "a2", "a3"], "nothing of a refused batch delivered");
  });
});

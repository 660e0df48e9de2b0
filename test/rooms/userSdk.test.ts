import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { arenaClient } from "../../client/arenaClient";
import { ArenaHttpError } from "../../client/http";
import { MatchSession } from "../../client/MatchSession";
import { Operator } from "../../client/Operator";
import { SignageDisplay } from "../../client/SignageDisplay";
import { UserChannel } from "../../client/UserChannel";
import { ErrorCode } from "../../schema/codes";
import type { UserMessage } from "../../schema/serverMessages";
import type { Role } from "../../server/auth/identity";
import { arenaForSuite, dropSocket, metricsText, testToken, waitFor } from "../helpers";

const PORT = 2771;
const fastRetry = { initialDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 3000 };

describe("SDK user channels: sessions, displays, polling, operator pushes", () => {
  const arena = arenaForSuite(PORT, { ARENA_RECONNECT_GRACE_SECONDS: "2", ARENA_MAX_CONNECTIONS_PER_IP: "1000", ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "100000" });
  let n = 0;
  const fresh = (name: string) => `${name}-${process.pid}-${n++}`;
  const token = (sub: string, role: Role = "player") => testToken({ name: sub.slice(0, 20), role, sub });
  const operator = async () => new Operator({ endpoint: arena.server.httpUrl, token: await token("ops", "operator") });

  async function push(sub: string, payload: unknown): Promise<void> {
    await (await operator()).pushToUser(sub, payload);
  }

  async function userRelays(): Promise<number> {
    const metrics = await metricsText(arena.server);
    return Number(metrics.match(/^arena_fanout_relayed_total\{kind="user"\} (\d+)/m)?.[1] ?? 0);
  }

  /**
   * The worst drop: a push leaves the server (counted relayed, so the server's
   * own cursor is past it) but never reaches the client, whose link dies with
   * it in flight. Only the position the client reports gets it back.
   */
  async function dropWithPushInFlight(room: Room, sub: string, payload: unknown): Promise<void> {
    const ws = (room.connection.transport as unknown as { ws: { onmessage: unknown } }).ws;
    ws.onmessage = () => {}; // what arrives from now on is lost with the link
    const relayed = await userRelays();
    await push(sub, payload);
    await waitFor("the push sent into the dying link", async () => (await userRelays()) === relayed + 1);
    dropSocket(room);
  }

  /** Every message `channel` passes on, in order. */
  function recorded(channel: UserChannel): UserMessage[] {
    const got: UserMessage[] = [];
    channel.onMessage((m) => got.push(m));
    return got;
  }

  it("a match session gets pushes and, after a dropped socket, resumes its user channel with nothing lost or repeated", async () => {
    const alice = fresh("alice");
    const session = await MatchSession.join(arenaClient(arena.server.httpUrl, await token(alice)), {}, fastRetry);
    const got: UserMessage[] = [];
    session.onUserMessage((m) => got.push(m));
    await push(alice, "one");
    await waitFor("the push", () => got.length === 1);
    assert.deepEqual([got[0].channel, got[0].seq, got[0].payload], [`user-${alice}`, 1, "one"]);

    await dropWithPushInFlight(session.room, alice, "two");
    await push(alice, "three");
    await waitFor("back in the seat", () => session.status === "connected" && got.length === 3, 8000);
    await push(alice, "four");
    await waitFor("live again", () => got.length === 4);
    assert.deepEqual(got.map((m) => [m.seq, m.payload]), [[1, "one"], [2, "two"], [3, "three"], [4, "four"]]);
    assert.equal(session.lastSeen[`user-${alice}`], 4, "reported in the next resume with the chat channels");
    await session.leave();
  });

  it("a session seated in a new match after losing its seat gets what was pushed in between", async () => {
    const alice = fresh("alice");
    // First retry after the server's 2 s grace: the seat is gone, and the session joins a new match.
    const slow = { initialDelayMs: 2500, maxDelayMs: 2500, giveUpAfterMs: 3000, jitter: 0 };
    const session = await MatchSession.join(arenaClient(arena.server.httpUrl, await token(alice)), {}, slow);
    const got = recorded(session.user);
    const statuses: string[] = [];
    session.onStatus((s) => statuses.push(s));
    await push(alice, "before");
    await waitFor("the push", () => got.length === 1);
    dropSocket(session.room);
    await waitFor("reconnecting", () => statuses.includes("reconnecting"));
    await push(alice, "while away");
    await waitFor("seated in a new match", () => statuses.includes("rejoined") && session.status === "connected", 15_000);
    await waitFor("caught up", () => got.length === 2);
    await push(alice, "after");
    await waitFor("live", () => got.length === 3);
    assert.deepEqual(got.map((m) => m.payload), ["before", "while away", "after"]);
    await session.leave();
  });

  it("sendToMyDevices reaches the identity's other devices and never comes back to the sender", async () => {
    const alice = fresh("alice");
    const pc = await MatchSession.join(arenaClient(arena.server.httpUrl, await token(alice)), {}, fastRetry);
    const tv = new SignageDisplay({ endpoint: arena.server.httpUrl, token: await token(alice, "display"), channels: [], userChannel: true });
    const stranger = await MatchSession.join(arenaClient(arena.server.httpUrl, await token(fresh("bob"))), {}, fastRetry);
    const [atPc, atTv, atStranger] = [recorded(pc.user), recorded(tv.user), recorded(stranger.user)];
    await tv.start();
    await waitFor("the tv live", () => tv.status === "live");

    pc.sendToMyDevices({ continueOn: "tv", position: 754 });
    await waitFor("the tv has it", () => atTv.length === 1);
    assert.deepEqual(atTv[0].payload, { continueOn: "tv", position: 754 });
    tv.sendToMyDevices({ playing: true });
    // Same channel, in order: had the pc's own post come back, it would have come first.
    await waitFor("the pc has the tv's answer", () => atPc.length === 1);
    assert.deepEqual(atPc.map((m) => m.payload), [{ playing: true }]);
    assert.deepEqual(atTv.map((m) => m.seq), [1], "nor the tv's own");
    assert.equal(atStranger.length, 0, "another identity gets nothing");
    await Promise.all([pc.leave(), tv.stop(), stranger.leave()]);
  });

  it("a display reads its user channel from its start on, and resumes it after dropped sockets with nothing lost or repeated", async () => {
    const alice = fresh("alice");
    await push(alice, "before the display started");
    const tv = new SignageDisplay({ endpoint: arena.server.httpUrl, token: await token(alice, "display"), channels: [], userChannel: true, reconnect: { initialDelayMs: 100, maxDelayMs: 200 } });
    const got = recorded(tv.user);
    const room = () => (tv as unknown as { room?: Room }).room;
    await tv.start();
    // Lost before the display had any user message: its position is where it started.
    await dropWithPushInFlight(room()!, alice, "one");
    await waitFor("caught up", () => got.length === 1 && room() !== undefined, 8000);
    await push(alice, "two");
    await waitFor("live", () => got.length === 2);
    await dropWithPushInFlight(room()!, alice, "three");
    await push(alice, "four");
    await waitFor("caught up again", () => got.length === 4, 8000);
    await push(alice, "five");
    await waitFor("live again", () => got.length === 5);
    assert.deepEqual(got.map((m) => [m.seq, m.payload]), [[2, "one"], [3, "two"], [4, "three"], [5, "four"], [6, "five"]]);
    await tv.stop();
  });

  it("a device without a socket polls its own user channel: in order, each once", async () => {
    const alice = fresh("alice");
    const aliceToken = await token(alice, "display");
    const inbox = UserChannel.ofToken(aliceToken);
    assert.equal(inbox.name, `user-${alice}`);
    const got = recorded(inbox);
    for (const payload of ["one", "two"]) await push(alice, payload);
    await inbox.poll(arena.server.httpUrl, aliceToken);
    await inbox.poll(arena.server.httpUrl, aliceToken);
    await push(alice, "three");
    await inbox.poll(arena.server.httpUrl, aliceToken);
    assert.deepEqual(got.map((m) => [m.seq, m.payload]), [[1, "one"], [2, "two"], [3, "three"]]);
    // Another identity's channel is not readable with this token.
    const bobs = new UserChannel(fresh("bob"));
    await assert.rejects(bobs.poll(arena.server.httpUrl, aliceToken), (e: ArenaHttpError) => e.status === 403 && e.code === ErrorCode.FORBIDDEN_CHANNEL);
  });

  it("Operator.pushToUser answers where the message landed and surfaces refusals by code", async () => {
    const alice = fresh("alice");
    const session = await MatchSession.join(arenaClient(arena.server.httpUrl, await token(alice)), {}, fastRetry);
    const got = recorded(session.user);
    const landed = await (await operator()).pushToUser(alice, { watchlist: ["ep-5"] });
    assert.deepEqual({ channel: landed.channel, seq: landed.seq }, { channel: `user-${alice}`, seq: 1 });
    assert.equal(typeof landed.epoch, "string");
    await waitFor("delivered", () => got.length === 1);
    assert.equal(got[0].epoch, landed.epoch);

    const notAnOperator = new Operator({ endpoint: arena.server.httpUrl, token: await token(fresh("screen"), "display") });
    await assert.rejects(notAnOperator.pushToUser(alice, "x"), (e: ArenaHttpError) => e.status === 403 && e.code === ErrorCode.ROLE_FORBIDDEN);
    await assert.rejects((await operator()).pushToUser("x".repeat(200), "x"), (e: ArenaHttpError) => e.status === 400 && e.code === ErrorCode.INVALID_REQUEST);
    await assert.rejects((await operator()).pushToUser(alice, undefined), (e: ArenaHttpError) => e.status === 400 && e.code === ErrorCode.INVALID_REQUEST);
    await push(alice, "last");
    await waitFor("the next push", () => got.length === 2);
    assert.deepEqual(got.map((m) => m.payload), [{ watchlist: ["ep-5"] }, "last"], "nothing refused was delivered");
    await session.leave();
  });
});

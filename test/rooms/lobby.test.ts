import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import type { Broadcast } from "../../schema/serverMessages";
import { broadcastVerifier } from "../../client/verifyBroadcast";
import { SignageDisplay } from "../../client/SignageDisplay";
import { ErrorCode } from "../../schema/codes";
import type { MatchState } from "../../schema/MatchState";
import { arenaForSuite, clientWith, dropSocket, playerClient, sleep, testToken, waitFor } from "../helpers";

const PORT = 2574;

describe("lobby: match listing and signage channels", () => {
  const arena = arenaForSuite(PORT, {
    ARENA_MAX_CONNECTIONS_PER_IP: "1000",
    // The displays here share one display token, as screens of one site may.
    ARENA_MAX_CONNECTIONS_PER_IDENTITY: "0",
    ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "100000",
    ARENA_PING_INTERVAL_SECONDS: "0.3",
    ARENA_PING_MAX_MISSED: "2",
    ARENA_COUNTDOWN_SECONDS: "30",
  });
  let operatorToken: string;
  let displayToken: string;

  before(async () => {
    operatorToken = await testToken({ name: "ops", role: "operator" });
    displayToken = await testToken({ name: "screen", role: "display" });
  });

  let channelCounter = 0;
  const freshChannel = () => `program-${process.pid}-${channelCounter++}`;

  async function publish(channel: string, payload: unknown, token = operatorToken): Promise<Response> {
    return fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ payload }),
    });
  }

  async function display(options: object, token = displayToken): Promise<{ room: Room; got: Broadcast[]; errors: { code: string }[] }> {
    const room = await clientWith(arena.server, token).joinOrCreate("lobby", options);
    const got: Broadcast[] = [];
    const errors: { code: string }[] = [];
    room.onMessage("broadcast", (b: Broadcast) => got.push(b));
    room.onMessage("error", (e) => errors.push(e));
    for (const type of ["rooms", "+", "-", "gap", "request-sync", "published"]) room.onMessage(type, () => {});
    return { room, got, errors };
  }

  it("one publish reaches each of 100 displays on the channel exactly once, and no display elsewhere", async () => {
    const [five, six] = [freshChannel(), freshChannel()];
    const onFive = await Promise.all(Array.from({ length: 100 }, () => display({ channels: [five] })));
    const onSix = await Promise.all(Array.from({ length: 5 }, () => display({ channels: [six] })));
    await sleep(200);
    const res = await publish(five, { slide: "welcome" });
    assert.equal(res.status, 201);
    const published = (await res.json()) as { channel: string; epoch: string; seq: number };
    assert.deepEqual({ channel: published.channel, seq: published.seq }, { channel: five, seq: 1 });
    assert.match(published.epoch, /^[\w-]+$/);
    await waitFor("all 100 displays", () => onFive.every((d) => d.got.length === 1));
    await sleep(200);
    for (const d of onFive) assert.deepEqual(d.got.map((b) => [b.seq, b.payload]), [[1, { slide: "welcome" }]]);
    for (const d of onSix) assert.equal(d.got.length, 0);
  });

  it("gives a late joiner the retained message first, signed with the key at /.well-known/jwks.json", async () => {
    const channel = freshChannel();
    await publish(channel, "old");
    await publish(channel, "current");
    const late = await display({ channels: [channel] });
    await waitFor("retained", () => late.got.length === 1);
    assert.equal(late.got[0].payload, "current");
    assert.equal(late.got[0].seq, 2);
    await publish(channel, "next");
    await waitFor("live", () => late.got.length === 2);
    const verify = broadcastVerifier(await (await fetch(`${arena.server.httpUrl}/.well-known/jwks.json`)).json());
    assert.equal(await verify(late.got[1]), true);
    assert.equal(await verify({ ...late.got[1], payload: "tampered" }), false);
  });

  it("subscribes and unsubscribes by message; refuses bad names and more than the channel cap", async () => {
    const channel = freshChannel();
    const d = await display({});
    d.room.send("subscribe", { channel });
    await sleep(100);
    await publish(channel, 1);
    await waitFor("subscribed", () => d.got.length === 1);
    d.room.send("unsubscribe", { channel });
    await sleep(100);
    await publish(channel, 2);
    d.room.send("subscribe", { channel: "Not A Channel!" });
    await waitFor("invalid name refused", () => d.errors.length === 1);
    assert.equal(d.errors[0].code, ErrorCode.INVALID_MESSAGE);
    assert.equal(d.got.length, 1, "nothing after unsubscribe");
    const many = await display({ channels: Array.from({ length: 50 }, (_, i) => `cap-${i}`) });
    many.room.send("subscribe", { channel: "cap-50" });
    await waitFor("cap refused", () => many.errors.length === 1);
    assert.equal(many.errors[0].code, ErrorCode.TOO_MANY_CHANNELS);
    // The cap counts the channels a client is on now: one given up makes room for another.
    many.room.send("unsubscribe", { channel: "cap-0" });
    many.room.send("subscribe", { channel: "cap-50" });
    const retained = freshChannel();
    many.room.send("unsubscribe", { channel: "cap-1" });
    many.room.send("subscribe", { channel: retained });
    await publish(retained, "room for one more");
    await waitFor("the 50th channel after one was given up", () => many.got.some((b) => b.channel === retained));
    assert.equal(many.errors.length, 1, "no further refusal");
    await assert.rejects(clientWith(arena.server, displayToken).joinOrCreate("lobby", { channels: ["BAD NAME"] }), /invalid join options/);
  });

  it("lets only operators publish, and keeps players to the listing", async () => {
    const channel = freshChannel();
    const byDisplay = await publish(channel, "x", displayToken);
    assert.equal(byDisplay.status, 403);
    assert.equal(((await byDisplay.json()) as { error: { code: string } }).error.code, ErrorCode.ROLE_FORBIDDEN);
    assert.equal((await publish(channel, "x", "not-a-token")).status, 401);
    const d = await display({ channels: [channel] });
    d.room.send("publish", { channel, payload: "from a display" });
    await waitFor("refused", () => d.errors.length === 1);
    assert.equal(d.errors[0].code, ErrorCode.ROLE_FORBIDDEN);
    const player = await display({}, await testToken({ name: "p", role: "player" }));
    player.room.send("subscribe", { channel });
    await waitFor("player refused", () => player.errors.length === 1);
    assert.equal(player.errors[0].code, ErrorCode.FORBIDDEN_CHANNEL);
    const operator = await display({}, operatorToken);
    const published = new Promise<{ seq: number }>((resolve) => operator.room.onMessage("published", resolve));
    operator.room.send("publish", { channel, payload: "from the console" });
    assert.equal((await published).seq, 1);
    await waitFor("display receives the operator's publish", () => d.got.length === 1);
    assert.equal(d.got[0].payload, "from the console");
  });

  it("carries a display's request-sync to the operators watching that channel", async () => {
    const channel = freshChannel();
    const operator = await display({ channels: [channel] }, operatorToken);
    const requests: { channel: string; name: string }[] = [];
    operator.room.onMessage("request-sync", (r) => requests.push(r));
    const d = await display({ channels: [channel] });
    await sleep(100);
    d.room.send("request-sync", { channel });
    await waitFor("operator told", () => requests.length === 1);
    assert.deepEqual({ channel: requests[0].channel, name: requests[0].name }, { channel, name: "screen" });
    // Off the channel, a display may not ask it to resync, and an operator no longer hears it.
    const other = freshChannel();
    d.room.send("request-sync", { channel: other });
    await waitFor("a channel it is not on refused", () => d.errors.length === 1);
    assert.equal(d.errors[0].code, ErrorCode.FORBIDDEN_CHANNEL);
    d.room.send("unsubscribe", { channel });
    d.room.send("request-sync", { channel });
    await waitFor("refused after unsubscribing", () => d.errors.length === 2);
    assert.equal(d.errors[1].code, ErrorCode.FORBIDDEN_CHANNEL);
    const stillWatching = await display({ channels: [channel] }, operatorToken);
    const laterRequests: unknown[] = [];
    stillWatching.room.onMessage("request-sync", (r) => laterRequests.push(r));
    operator.room.send("unsubscribe", { channel });
    operator.room.send("request-sync", { channel });
    await waitFor("the operator off the channel", () => operator.errors.length === 1);
    const heard = requests.length;
    const second = await display({ channels: [channel] });
    second.room.send("request-sync", { channel });
    await waitFor("the operator still on the channel told", () => laterRequests.length === 1);
    assert.equal(requests.length, heard, "the operator that unsubscribed hears no more requests");
  });

  it("bursts of concurrent publishes reach every display once each, in seq order, and polling sees them all", async () => {
    const channel = freshChannel();
    const displays = await Promise.all(Array.from({ length: 10 }, () => display({ channels: [channel] })));
    await sleep(200);
    const seqs: number[] = [];
    for (let burst = 0; burst < 10; burst++) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => publish(channel, { burst, i })));
      for (const res of answers) {
        assert.equal(res.status, 201);
        seqs.push(((await res.json()) as { seq: number }).seq);
      }
    }
    const all = Array.from({ length: 80 }, (_, i) => i + 1);
    assert.deepEqual([...seqs].sort((x, y) => x - y), all, "every publish answered with its own seq");
    await waitFor("every display has 80", () => displays.every((d) => d.got.length >= 80));
    for (const d of displays) assert.deepEqual(d.got.map((b) => b.seq), all);
    const res = await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages?after=0`, { headers: { Authorization: `Bearer ${displayToken}` } });
    const polled = ((await res.json()) as { messages: Broadcast[] }).messages;
    assert.deepEqual(polled.map((b) => b.seq), all.slice(-polled.length));
  });

  it("serves the same seq sequence over HTTP polling as over the socket", async () => {
    const channel = freshChannel();
    const d = await display({ channels: [channel] });
    for (let i = 1; i <= 5; i++) await publish(channel, { i });
    await waitFor("socket", () => d.got.length === 5);
    const poll = async (after: number) =>
      ((await (await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages?after=${after}`, {
        headers: { Authorization: `Bearer ${displayToken}` },
      })).json()) as { messages: Broadcast[] }).messages;
    assert.deepEqual((await poll(0)).map((b) => b.seq), d.got.map((b) => b.seq));
    assert.deepEqual(await poll(0), d.got, "identical signed messages");
    assert.deepEqual((await poll(3)).map((b) => b.seq), [4, 5]);
    const res = await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages?after=-1`, { headers: { Authorization: `Bearer ${displayToken}` } });
    assert.equal(res.status, 400);
  });

  it("a display that loses its socket resumes after its last seq with nothing lost or repeated", async () => {
    const channel = freshChannel();
    const screen = new SignageDisplay({ endpoint: arena.server.httpUrl, token: displayToken, channels: [channel], reconnect: { initialDelayMs: 100, maxDelayMs: 200 } });
    const shown: number[] = [];
    screen.onMessage((b) => shown.push(b.seq));
    await screen.start();
    await publish(channel, "a");
    await waitFor("first", () => shown.length === 1);
    const room = (screen as unknown as { room: Room }).room;
    dropSocket(room);
    for (let i = 0; i < 5; i++) await publish(channel, `missed ${i}`);
    await waitFor("caught up", () => shown.length === 6, 8000);
    await publish(channel, "after");
    await waitFor("live again", () => shown.length === 7);
    assert.deepEqual(shown, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(screen.status, "live");
    await screen.stop();
  });

  it("drops a half-open display within the documented window (missed pings)", async () => {
    const channel = freshChannel();
    const d = await display({ channels: [channel] });
    const socket = (d.room.connection.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    const lobby = () => [...(arena.server.server as unknown as { transport: { wss: { clients: Set<unknown> } } }).transport.wss.clients];
    const before = lobby().length;
    // The display stops reading: pings go unanswered, as with a vanished network.
    socket.pause();
    const start = Date.now();
    await waitFor("server drops it", () => lobby().length === before - 1, 5000);
    // (ARENA_PING_MAX_MISSED + 1) x ARENA_PING_INTERVAL_SECONDS = 0.9 s here, plus one interval of phase.
    assert.ok(Date.now() - start < 2000, `dropped after ${Date.now() - start} ms`);
  });

  it("lists matches as they appear, change and disappear", async () => {
    const watcher = await clientWith(arena.server, displayToken).joinOrCreate("lobby", { listing: true });
    const listing = new Map<string, { metadata: { red: number; blue: number; phase: string; node: string } }>();
    watcher.onMessage("rooms", (rooms: { roomId: string; metadata: never }[]) => rooms.forEach((r) => listing.set(r.roomId, r)));
    watcher.onMessage("+", ([id, room]: [string, never]) => listing.set(id, room));
    watcher.onMessage("-", (id: string) => listing.delete(id));
    const first = await (await playerClient(arena.server, "a")).joinOrCreate<MatchState>("match", { team: "red" });
    await waitFor("match listed", () => listing.get(first.roomId)?.metadata?.red === 1);
    assert.equal(listing.get(first.roomId)!.metadata.phase, "waiting");
    assert.ok(listing.get(first.roomId)!.metadata.node);
    const second = await (await playerClient(arena.server, "b")).joinById<MatchState>(first.roomId, { team: "blue" });
    await waitFor("listing updated", () => listing.get(first.roomId)?.metadata.blue === 1 && listing.get(first.roomId)?.metadata.phase === "countdown");
    await first.leave();
    await second.leave();
    await waitFor("match gone from the listing", () => !listing.has(first.roomId));
  });

  it("sends a display no match listing unless it asks for one; players get it", async () => {
    const kinds = (room: Room) => {
      const got: string[] = [];
      for (const type of ["rooms", "+", "-"]) room.onMessage(type, () => got.push(type));
      return got;
    };
    const display = await clientWith(arena.server, displayToken).joinOrCreate("lobby", { channels: [] });
    const asking = await clientWith(arena.server, displayToken).joinOrCreate("lobby", { listing: true });
    const player = await (await playerClient(arena.server, "lister")).joinOrCreate("lobby");
    const [toDisplay, toAsking, toPlayer] = [kinds(display), kinds(asking), kinds(player)];
    const match = await (await playerClient(arena.server, "c")).joinOrCreate<MatchState>("match", { team: "red" });
    await waitFor("the match listed to the player and the asking display", () => toPlayer.includes("+") && toAsking.includes("+"));
    await match.leave();
    await waitFor("the match unlisted", () => toPlayer.includes("-") && toAsking.includes("-"));
    assert.deepEqual(toDisplay, [], "a display that did not ask gets no listing message");
    const refused = await clientWith(arena.server, displayToken).joinOrCreate("lobby", { listing: "yes" }).then(() => "joined", (e: Error) => e.message);
    assert.match(refused, /listing/, "a malformed listing option is refused with a message naming it");
    await Promise.all([display.leave(), asking.leave(), player.leave()]);
  });
});

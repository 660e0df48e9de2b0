import assert from "node:assert/strict";
import { RedisPresence } from "@colyseus/redis-presence";
import { Client, Room } from "colyseus.js";
import { withoutTokenInUrl } from "../../client/withoutTokenInUrl";
import { MatchSession } from "../../client/MatchSession";
import { SignageDisplay } from "../../client/SignageDisplay";
import type { Broadcast } from "../../schema/serverMessages";
import type { MatchState } from "../../schema/MatchState";
import { CloseCode } from "../../schema/codes";
import { dropSocket, sleep, testToken, waitFor } from "../helpers";
import { presenceTopic, signageChannelKey } from "../../rooms/fanout/keys";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv } from "./ArenaNode";
import { tickOf } from "../../schema/MatchState";

const NODE_ENV = clusterEnv({
  ARENA_COUNTDOWN_SECONDS: "60",
  ARENA_RECONNECT_GRACE_SECONDS: "10",
  // One display per lobby room: each new display opens a lobby on the least loaded node.
  ARENA_LOBBY_MAX_CLIENTS: "1",
});

async function client(node: ArenaNode, role: "player" | "display" | "operator", name: string = role): Promise<Client> {
  const c = new Client(node.ws, { urlBuilder: withoutTokenInUrl });
  c.auth.token = await testToken({ name, role });
  return c;
}

/** Port of the node a room's socket actually connected to (from the seat reservation's public address). */
function portOf(room: Room): number {
  return Number(new URL((room.connection.transport as unknown as { ws: { url: string } }).ws.url).port);
}

async function publish(node: ArenaNode, channel: string, payload: unknown): Promise<{ seq: number }> {
  const res = await fetch(`${node.url}/api/channels/${channel}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` },
    body: JSON.stringify({ payload }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { seq: number };
}

async function nodesSeenBy(node: ArenaNode): Promise<Array<{ id: string; address: string; rooms: number; draining: boolean }>> {
  const res = await fetch(`${node.url}/api/nodes`, { headers: { Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` } });
  return ((await res.json()) as { nodes: never[] }).nodes;
}

/** Waits until `seer` lists `node` among the live nodes placement chooses from. */
async function registered(seer: ArenaNode, node: ArenaNode): Promise<void> {
  await waitFor(`node ${node.port} registered`, async () => (await nodesSeenBy(seer)).some((n) => n.address === `127.0.0.1:${node.port}` && !n.draining));
}

/**
 * A new match on `target` made through `via`'s matchmaking. Placement picks the node with the fewest
 * clients; matches that land elsewhere are kept (with their player) until one lands on `target`, so
 * the other nodes' load grows and ties between idle nodes cannot keep it away.
 */
async function createMatchOn(target: ArenaNode, via: ArenaNode, name: string, options: object = {}): Promise<Room<MatchState>> {
  const elsewhere: Room[] = [];
  try {
    for (let attempt = 0; attempt < 6; attempt++) {
      const room = await (await client(via, "player", name)).create<MatchState>("match", options);
      if (portOf(room) === target.port) return room;
      elsewhere.push(room);
    }
    throw new Error(`no match landed on node ${target.port}`);
  } finally {
    await Promise.all(elsewhere.map((r) => r.leave()));
  }
}

function displayOn(room: Room): Broadcast[] {
  const got: Broadcast[] = [];
  room.onMessage("broadcast", (b: Broadcast) => got.push(b));
  for (const type of ["rooms", "+", "-", "gap", "error"]) room.onMessage(type, () => {});
  return got;
}

describe("multi-node on Redis (real redis-server, node processes)", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let a: ArenaNode;
  let b: ArenaNode;
  const extra: ArenaNode[] = [];

  before(async () => {
    redis = await RedisServer.start();
    [a, b] = await Promise.all([ArenaNode.start(2591, redis.url, NODE_ENV), ArenaNode.start(2592, redis.url, NODE_ENV)]);
  });
  after(async () => {
    await Promise.all([a, b, ...extra].map((n) => n.kill()));
    await redis.stop();
  });

  it("places new matches on the least loaded live node and connects clients straight to it", async () => {
    const rooms: Room<MatchState>[] = [];
    for (let i = 0; i < 4; i++) {
      // One after another, no pause: placement counts the rooms it just placed, not only persisted counts.
      rooms.push(await (await client(a, "player", `p${i}`)).create<MatchState>("match", {}));
    }
    const ports = new Set(rooms.map(portOf));
    assert.deepEqual([...ports].sort(), [2591, 2592], "matches on both nodes");
    assert.deepEqual([2591, 2592].map((p) => rooms.filter((r) => portOf(r) === p).length), [2, 2], "two each");
    const nodes = await nodesSeenBy(a);
    assert.deepEqual(nodes.map((n) => n.address).sort(), ["127.0.0.1:2591", "127.0.0.1:2592"]);
    await Promise.all(rooms.map((r) => r.leave()));
  });

  it("joins by id across nodes and lists every node's matches in any lobby", async () => {
    const host = await (await client(b, "player", "host")).create<MatchState>("match", { team: "red" });
    const lobby = await (await client(a, "display")).joinOrCreate("lobby", { listing: true });
    const listed = new Set<string>();
    lobby.onMessage("rooms", (rooms: { roomId: string }[]) => rooms.forEach((r) => listed.add(r.roomId)));
    lobby.onMessage("+", ([id]: [string]) => listed.add(id));
    lobby.onMessage("-", (id: string) => listed.delete(id));
    await waitFor("node B's match in node A's lobby", () => listed.has(host.roomId));
    const guest = await (await client(a, "player", "guest")).joinById<MatchState>(host.roomId, { team: "blue" });
    assert.equal(portOf(guest), portOf(host));
    await waitFor("both seated", () => host.state.players?.size === 2);
    await Promise.all([host.leave(), guest.leave()]);
    await waitFor("gone from the lobby", () => !listed.has(host.roomId));
    await lobby.leave();
  });

  it("places a spectator on the node of the match it watches", async () => {
    const host = await (await client(b, "player", "watched")).create<MatchState>("match", {});
    const watcher = await (await client(a, "display", "watcher")).joinOrCreate<MatchState>("spectate", { match: host.roomId });
    assert.equal(portOf(watcher), portOf(host));
    await waitFor("the spectator sees the player", () => watcher.state.players?.get(host.sessionId)?.name === "watched");
    await Promise.all([watcher.leave(), host.leave()]);
  });

  it("reconnects a dropped player through another node", async () => {
    const me = await MatchSession.join(await client(a, "player", "me"), { team: "red" }, { initialDelayMs: 200, maxDelayMs: 400, giveUpAfterMs: 8000 });
    const roomPort = portOf(me.room);
    dropSocket(me.room);
    await waitFor("reconnected", () => me.status === "connected" && me.room.connection.isOpen, 10_000);
    assert.equal(portOf(me.room), roomPort, "back on the node that owns the match");
    await me.leave();
  });

  it("delivers one signage publish on node A exactly once to displays on both nodes, and resumes a display that moves", async () => {
    const channel = `program-${Date.now()}`;
    const displays: Room[] = [];
    for (let i = 0; i < 6; i++) {
      displays.push(await (await client(i % 2 ? b : a, "display")).joinOrCreate("lobby", { channels: [channel] }));
    }
    assert.deepEqual([...new Set(displays.map(portOf))].sort(), [2591, 2592], "displays on both nodes");
    const got = displays.map(displayOn);
    await sleep(300);
    await publish(a, channel, "one");
    await waitFor("every display", () => got.every((g) => g.length === 1));
    await sleep(300);
    assert.ok(got.every((g) => g.length === 1 && g[0].seq === 1), "exactly once each");
    // A display leaves; what is published meanwhile (on either node) is replayed from Redis when it returns.
    await displays[0].leave();
    await publish(b, channel, "two");
    await publish(a, channel, "three");
    const back = await (await client(b, "display")).joinOrCreate("lobby", { channels: [channel], after: { [channel]: 1 } });
    const gotBack = displayOn(back);
    await waitFor("caught up", () => gotBack.length === 2);
    assert.deepEqual(gotBack.map((m) => [m.seq, m.payload]), [[2, "two"], [3, "three"]]);
    await Promise.all([...displays.slice(1), back].map((d) => d.leave()));
  });

  it("holds the per-IP connection cap across nodes", async () => {
    // A cluster of its own, so connections held by the other tests do not count.
    const ownRedis = await RedisServer.start();
    const capped = await Promise.all([
      ArenaNode.start(2593, ownRedis.url, { ...NODE_ENV, ARENA_MAX_CONNECTIONS_PER_IP: "4" }),
      ArenaNode.start(2594, ownRedis.url, { ...NODE_ENV, ARENA_MAX_CONNECTIONS_PER_IP: "4" }),
    ]);
    extra.push(...capped);
    const rooms: Room[] = [];
    for (const node of [capped[0], capped[1], capped[0], capped[1]]) rooms.push(await (await client(node, "display")).joinOrCreate("lobby"));
    assert.deepEqual([...new Set(rooms.map(portOf))].sort(), [2593, 2594], "held on both nodes");
    await assert.rejects((await client(capped[0], "display")).joinOrCreate("lobby"), /too_many_connections/);
    await assert.rejects((await client(capped[1], "display")).joinOrCreate("lobby"), /too_many_connections/);
    await rooms[0].leave();
    // The slot comes back once its node has seen the socket close and counted it down in Redis.
    let rejoined: Room | undefined;
    await waitFor("a slot freed across nodes", async () => {
      rejoined = await (await client(capped[1], "display")).joinOrCreate("lobby").catch((error: Error) => {
        if (/too_many_connections/.test(error.message)) return undefined;
        throw error;
      });
      return rejoined !== undefined;
    });
    rooms[0] = rejoined!;
    await Promise.all(rooms.map((r) => r.leave()));
    await Promise.all(capped.map((n) => n.kill()));
    await ownRedis.stop();
  });

  it("after kill -9 of a node: its matches leave listings within 10 s, its players are told the match is gone, its displays catch up elsewhere", async () => {
    const doomed = await ArenaNode.start(2595, redis.url, NODE_ENV);
    extra.push(doomed);
    // A match on the doomed node (new, so among the least loaded), its player matchmaking through node A.
    await registered(a, doomed);
    const host = await createMatchOn(doomed, a, "host");
    const session = await MatchSession.joinById(await client(a, "player", "victim"), host.roomId, {}, { initialDelayMs: 300, maxDelayMs: 1000, giveUpAfterMs: 20_000 });
    const channel = `program-k${Date.now()}`;
    const screen = new SignageDisplay({
      endpoint: [doomed.url, a.url],
      token: await testToken({ name: "screen", role: "display" }),
      channels: [channel],
      reconnect: { initialDelayMs: 200, maxDelayMs: 500, giveUpAfterMs: 30_000 },
    });
    const shown: number[] = [];
    screen.onMessage((m) => shown.push(m.seq));
    await screen.start();
    await publish(a, channel, "before");
    await waitFor("display live", () => shown.length === 1);

    const goneCode = new Promise<number | undefined>((resolve) => session.onStatus((s, code) => s === "gone" && resolve(code)));
    const roomId = session.room.roomId;
    await doomed.kill();
    const killedAt = Date.now();
    await publish(a, channel, "while failing over");

    const lobby = await (await client(a, "display")).joinOrCreate("lobby", { listing: true });
    let listed = true;
    lobby.onMessage("rooms", (rooms: { roomId: string }[]) => (listed = rooms.some((r) => r.roomId === roomId)));
    lobby.onMessage("-", (id: string) => id === roomId && (listed = false));
    lobby.onMessage("+", () => {});
    await waitFor("the dead node's match to leave the listing", () => !listed, 12_000);
    const cleanupMs = Date.now() - killedAt;
    assert.ok(cleanupMs <= 10_000, `cleanup took ${cleanupMs} ms`);
    assert.ok(!(await nodesSeenBy(a)).some((n) => n.address.endsWith(`:${doomed.port}`)));
    await assert.rejects((await client(a, "player")).joinById(roomId), /not found|disposed|locked/i);

    assert.equal(await goneCode, CloseCode.MATCH_GONE);
    await waitFor("display caught up on a live node", () => shown.length === 2, 15_000);
    assert.deepEqual(shown, [1, 2]);
    await screen.stop();
    await lobby.leave();
  });

  it("keeps rooms ticking through a Redis restart and resumes fan-out after it", async () => {
    const player = await (await client(a, "player", "steady")).create<MatchState>("match", {});
    await waitFor("state", () => tickOf(player.state) > 0);
    await redis.restart(3000);
    const tickAfterOutage = tickOf(player.state);
    await waitFor("the match kept stepping", () => tickOf(player.state) > tickAfterOutage + 20, 3000);
    const channel = `program-r${Date.now()}`;
    const screen = await (await client(b, "display")).joinOrCreate("lobby", { channels: [channel] });
    const got = displayOn(screen);
    // Node B's reconnected subscriber must hold the channel before the publish, or the live message has nowhere to go.
    const observer = new RedisPresence(redis.url);
    try {
      await waitFor("node B subscribed again", async () => (await observer.channels(presenceTopic(signageChannelKey(channel)))).length > 0, 10_000);
    } finally {
      observer.shutdown();
    }
    await publish(a, channel, "after the outage");
    await waitFor("fan-out across nodes again", () => got.length === 1, 10_000);
    assert.equal(got[0].payload, "after the outage");
    await Promise.all([player.leave(), screen.leave()]);
  });

  it("drains on SIGTERM: no new rooms, the live round finishes, players told, exit 0", async () => {
    const draining = await ArenaNode.start(2596, redis.url, { ...NODE_ENV, ARENA_COUNTDOWN_SECONDS: "1", ARENA_ROUND_SECONDS: "4" });
    extra.push(draining);
    await registered(draining, draining);
    const red = await createMatchOn(draining, draining, "r", { team: "red" });
    const blue = await (await client(draining, "player", "b")).joinById<MatchState>(red.roomId, { team: "blue" });
    await waitFor("live", () => red.state.phase === "live", 5000);
    const closed = new Promise<number>((resolve) => red.onLeave(resolve));
    const exited = draining.terminate(20_000);
    await waitFor("listed as draining", async () => (await nodesSeenBy(a)).find((n) => n.address.endsWith(":2596"))?.draining === true, 3000);
    const elsewhere = await (await client(draining, "player", "late")).create<MatchState>("match", {}).catch((e) => e);
    if (!(elsewhere instanceof Error)) {
      assert.notEqual(portOf(elsewhere), draining.port, "no new room on a draining node");
      await elsewhere.leave();
    }
    assert.equal(red.state.phase, "live", "the round is not cut short");
    assert.equal(await closed, CloseCode.SERVER_SHUTTING_DOWN);
    assert.equal(red.state.phase, "ended", "closed once the round ended, its result shown");
    assert.equal(await exited, 0);
    void blue;
  });
});

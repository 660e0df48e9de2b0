import assert from "node:assert/strict";
import { RedisPresence } from "@colyseus/redis-presence";
import type { Room } from "colyseus.js";
import type { MatchState } from "../../schema/MatchState";
import { nodeAliveKey, NODES_KEY } from "../../server/cluster/keys";
import type { NodeInfo } from "../../server/cluster/NodeRegistry";
import { dropSocket, testToken, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv } from "./ArenaNode";
import { clientWithToken, listedBy, nodeClient, portOf } from "./clients";
import { tickOf } from "../../schema/MatchState";

const NODE_ENV = clusterEnv({
  ARENA_COUNTDOWN_SECONDS: "60",
  ARENA_RECONNECT_GRACE_SECONDS: "30",
  // One client per lobby room: a new lobby client gets a new lobby room, which reads the listing afresh.
  ARENA_LOBBY_MAX_CLIENTS: "1",
});

/** Colyseus's room caches (RedisDriver's hash), room counts per node (`rooms,clients`) and lobby channel (`<roomId>,0`: listed or updated). */
const ROOM_CACHES_KEY = "roomcaches";
const ROOM_COUNT_KEY = "roomcount";
const COLYSEUS_LOBBY_CHANNEL = "$lobby";

/** The nodes in Arena's registry. */
async function registeredNodes(store: RedisPresence): Promise<NodeInfo[]> {
  return Object.values((await store.hgetall(NODES_KEY)) ?? {}).map((raw) => JSON.parse(raw));
}

/**
 * Leaves in the store the cache of a match of `node` that has ended, as when its removal never
 * reached the store (the store was away longer than ioredis's retries), and lists it in lobbies.
 */
async function leaveEndedMatchCache(redisUrl: string, node: ArenaNode): Promise<string> {
  const store = new RedisPresence(redisUrl);
  try {
    const processId = (await registeredNodes(store)).find((n) => n.address === `127.0.0.1:${node.port}`)!.id;
    const roomId = `ended-${node.port}`;
    const cache = { roomId, processId, name: "match", clients: 0, maxClients: 12, locked: false, private: false, unlisted: false, createdAt: new Date() };
    await store.hset(ROOM_CACHES_KEY, roomId, JSON.stringify(cache));
    await store.publish(COLYSEUS_LOBBY_CHANNEL, `${roomId},0`);
    return roomId;
  } finally {
    store.shutdown();
  }
}

describe("recovery: dead nodes and a Redis that restarts (real redis-server, node processes)", function () {
  this.timeout(120_000);
  let redis: RedisServer;
  const nodes: ArenaNode[] = [];

  async function startNode(port: number, env: Record<string, string> = {}): Promise<ArenaNode> {
    const node = await ArenaNode.start(port, redis.url, { ...NODE_ENV, ...env });
    nodes.push(node);
    return node;
  }

  before(async () => {
    redis = await RedisServer.start();
  });
  // Each test starts from no node and an empty store, so its first node is alone and gets the first match.
  afterEach(async function () {
    // A failure is read with what the nodes logged (an uncaught error makes Colyseus shut a node down: 503).
    if (this.currentTest?.state === "failed") for (const n of nodes) console.error(`--- node ${n.port} ---\n${n.output}`);
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
    await redis.restart();
  });
  after(() => redis.stop());

  it("kill -9 with Colyseus's health check first: the dead node's match leaves an existing lobby within 10 s", async () => {
    const store = new RedisPresence(redis.url);
    try {
      // The doomed node is alone when the match is made, so the match is on it.
      const doomed = await startNode(2790);
      const host = await (await nodeClient(doomed, "player", "host")).create<MatchState>("match", {});
      // Room counts reach the store about once a second: once the host is counted, the lobby goes to the idle live node.
      await waitFor("the host counted", async () => Object.values((await store.hgetall(ROOM_COUNT_KEY)) ?? {}).includes("1,1"));
      // A short IPC timeout on the live node: its health check of the dead node ends well before Arena's sweep.
      const live = await startNode(2791, { COLYSEUS_PRESENCE_SHORT_TIMEOUT: "500" });
      const lobby = await (await nodeClient(live, "display")).joinOrCreate("lobby", { listing: true });
      assert.equal(portOf(lobby), live.port, "the lobby is on the live node");
      const listed = listedBy(lobby);
      await waitFor("the match in the live node's lobby", () => listed.has(host.roomId));

      await doomed.kill();
      const killedAt = Date.now();
      // Matchmaking touches the dead node first: Colyseus's health check removes its room caches.
      await assert.rejects((await nodeClient(live, "player", "late")).joinById(host.roomId));
      assert.equal(await store.hget(ROOM_CACHES_KEY, host.roomId), null, "Colyseus removed the dead node's room caches");
      assert.ok((await registeredNodes(store)).some((n) => n.address === `127.0.0.1:${doomed.port}`), "before Arena's sweep ran");

      await waitFor("the dead node's match to leave the lobby", () => !listed.has(host.roomId), 12_000);
      const goneAfterMs = Date.now() - killedAt;
      assert.ok(goneAfterMs <= 10_000, `left the listing ${goneAfterMs} ms after the kill`);
    } finally {
      store.shutdown();
    }
  });

  for (const keepData of [false, true]) {
    const how = keepData ? "with its data" : "empty";
    const ports = keepData ? [2794, 2795] : [2792, 2793];

    it(`Redis restarted ${how}: a dropped player reconnects to its seat through another node, lobbies old and new list the match and drop one that ended`, async () => {
      // Node A is alone when the match is made, so the match is on A; node B joins after.
      const a = await startNode(ports[0]);
      const redToken = await testToken({ name: "red", role: "player", sub: `red-${how}` });
      const red = await clientWithToken(a, redToken).create<MatchState>("match", { team: "red" });
      const blue = await (await nodeClient(a, "player", "blue")).joinById<MatchState>(red.roomId, { team: "blue" });
      await waitFor("both seated", () => red.state.players?.size === 2);
      const b = await startNode(ports[1]);
      const oldLobby = listedBy(await (await nodeClient(b, "display")).joinOrCreate("lobby", { listing: true }));
      await waitFor("the match in node B's lobby", () => oldLobby.has(red.roomId));
      const ended = await leaveEndedMatchCache(redis.url, a);
      await waitFor("the ended match listed", () => oldLobby.has(ended));

      await redis.restart(1000, { keepData });
      const tickAfterRestart = tickOf(red.state);
      dropSocket(red);
      const back = await reconnectWhenPossible(() => clientWithToken(b, redToken).reconnect<MatchState>(red.reconnectionToken), 20_000);
      assert.equal(back.sessionId, red.sessionId, "the same seat");
      assert.equal(portOf(back), a.port, "on the node that runs the match");
      await waitFor("seated and connected again", () => back.state.players?.get(back.sessionId)?.connected === true && tickOf(back.state) > tickAfterRestart);

      const newLobby = listedBy(await (await nodeClient(b, "display")).joinOrCreate("lobby", { listing: true }));
      await waitFor("the match in a new lobby", () => newLobby.has(red.roomId), 10_000);
      await waitFor("the match still in the old lobby", () => oldLobby.has(red.roomId), 10_000);
      await waitFor("the ended match gone from the old lobby", () => !oldLobby.has(ended), 10_000);
      assert.ok(!newLobby.has(ended), "nor in the new one");
      await Promise.all([back.leave(), blue.leave()]);
    });
  }

  it("Redis away longer than a TTL and back with its data: a node gives the others a TTL to beat again before taking them for dead", async () => {
    const node = await startNode(2796, { ARENA_NODE_HEARTBEAT_SECONDS: "1", ARENA_NODE_TTL_SECONDS: "3" });
    // Another node as Redis knows it, slow to beat again after the outage.
    const slow: NodeInfo = { id: "slow-node", address: "127.0.0.1:2797", rooms: 0, clients: 0, cpu: 0, rssBytes: 0, weight: 1, draining: false, seenAt: Date.now() };
    const before = new RedisPresence(redis.url);
    await before.hset(NODES_KEY, slow.id, JSON.stringify(slow));
    await before.setex(nodeAliveKey(slow.id), "1", 3);
    before.shutdown();

    // Down longer than the TTL: the slow node's liveness key has expired when Redis is back.
    await redis.restart(4000, { keepData: true });
    const backAt = Date.now();
    const store = new RedisPresence(redis.url);
    try {
      // Two beats after the return: the sweep that follows the first one has run.
      let firstBeat = 0;
      await waitFor("the node beating again", async () => (firstBeat = await lastBeat(store, node.port)) > backAt, 10_000);
      await waitFor("its next beat", async () => (await lastBeat(store, node.port)) > firstBeat, 5000);
      assert.ok((await registeredNodes(store)).some((n) => n.id === slow.id), "the slow node is not yet taken for dead");
      // Still silent a TTL later: it is.
      await waitFor("the slow node swept", async () => !(await registeredNodes(store)).some((n) => n.id === slow.id), 8000);
    } finally {
      store.shutdown();
    }
  });
});

/** When the registry entry of the node on `port` was last written (its node's clock, this machine's). */
async function lastBeat(store: RedisPresence, port: number): Promise<number> {
  return (await registeredNodes(store)).find((n) => n.address === `127.0.0.1:${port}`)?.seenAt ?? 0;
}

/** Retries a reconnection until it succeeds (Redis may still be on its way back), failing with the last refusal. */
async function reconnectWhenPossible(attempt: () => Promise<Room<MatchState>>, timeoutMs: number): Promise<Room<MatchState>> {
  let room: Room<MatchState> | undefined;
  let refusal: unknown;
  try {
    await waitFor("the reconnection", async () => {
      room = await attempt().catch((error: unknown) => {
        refusal = error;
        return undefined;
      });
      return room !== undefined;
    }, timeoutMs);
  } catch {
    throw new Error(`no reconnection within ${timeoutMs} ms; last refusal: ${refusal instanceof Error ? refusal.message : String(refusal)}`);
  }
  return room!;
}

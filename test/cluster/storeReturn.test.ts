import assert from "node:assert/strict";
import Redis from "ioredis";
import { ConnectionStatus, MatchSession } from "../../client/MatchSession";
import type { MatchState } from "../../schema/MatchState";
import { dropSocket, testToken, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv } from "./ArenaNode";
import { nodeClient } from "./clients";

const NODE_ENV = clusterEnv({
  ARENA_COUNTDOWN_SECONDS: "0.5",
});
/** How long Redis stays away: the reconnection asked meanwhile waits in ioredis's queue for it. */
const DOWN_MS = 2000;
/** How long Redis holds writes back once it is up again; below MATCH_GONE_CONFIRM_MS. */
const WRITES_HELD_MS = 1500;

/**
 * Redis answers reads at once and holds every write for `ms` (CLIENT PAUSE WRITE): a node's
 * re-registration lands that much later, as when its retry timer fires after another node's.
 */
async function holdWrites(url: string, ms: number): Promise<void> {
  const redis = new Redis(url);
  try {
    await redis.call("CLIENT", "PAUSE", String(ms), "WRITE");
  } finally {
    redis.disconnect();
  }
}

describe("MatchSession when Redis returns empty (real redis-server, node processes)", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  const nodes: ArenaNode[] = [];

  beforeEach(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") for (const n of nodes) console.error(`--- node ${n.port} ---\n${n.output}`);
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
    await redis.stop();
  });

  it("a reconnection asked while Redis is down gets the same seat back, though Redis returns without the match", async () => {
    // Node A is alone when the match is made, so the match is on A; the session comes in through B first.
    const a = await ArenaNode.start(2720, redis.url, NODE_ENV);
    nodes.push(a);
    const host = await (await nodeClient(a, "player", "host")).create<MatchState>("match", { team: "red" });
    for (const type of ["chat", "typing", "gap", "error", "reset"]) host.onMessage(type, () => {});
    const b = await ArenaNode.start(2721, redis.url, NODE_ENV);
    nodes.push(b);
    const session = await MatchSession.join({
      endpoint: [b.url, a.url],
      token: await testToken({ name: "me", role: "player" }),
      team: "blue",
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000, giveUpAfterMs: 20_000 },
    });
    assert.equal(session.matchId, host.roomId, "joined the one open match");
    await waitFor("the round live", () => session.state.phase === "live");
    const { sessionId, matchId } = session;
    const statuses: Array<[ConnectionStatus, number | undefined]> = [];
    session.onStatus((status, code) => statuses.push([status, code]));

    const restarted = redis.restart(DOWN_MS);
    // Redis is down once the node reports its store unreachable: the drop's reconnection is asked during the outage.
    await waitFor("node B to see Redis down", async () => (await fetch(`${b.url}/readyz`)).status === 503);
    dropSocket(session.room);
    await restarted;
    // Redis is back empty: the queued reconnection reads no match, while node A's rooms are not written back yet.
    await holdWrites(redis.url, WRITES_HELD_MS);
    await waitFor("the reconnection's outcome", () => statuses.length >= 2, 30_000);

    assert.deepEqual(statuses, [["reconnecting", 1006], ["connected", undefined]], "never rejoined nor gone");
    assert.equal(session.matchId, matchId, "the same match");
    assert.equal(session.sessionId, sessionId, "the same seat");
    await waitFor("seated and connected", () => session.state.players?.get(sessionId)?.connected === true);
    await Promise.all([session.leave(), host.leave()]);
  });
});

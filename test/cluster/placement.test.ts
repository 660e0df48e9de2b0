import assert from "node:assert/strict";
import { testToken, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv } from "./ArenaNode";

const BURST = 100;

/** Creates `count` matches at once through `through`; resolves with the node (processId) each was placed on. */
async function burstOfCreations(through: ArenaNode, count: number): Promise<string[]> {
  const token = await testToken({ name: "organiser", role: "player" });
  return Promise.all(
    Array.from({ length: count }, async () => {
      const res = await fetch(`${through.url}/matchmake/create/match`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: "{}",
      });
      const body = (await res.json()) as { room?: { processId: string }; error?: string };
      if (!body.room) throw new Error(`creation refused: ${body.error}`);
      return body.room.processId;
    }),
  );
}

const perNode = (placed: string[]) => [...placed.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>()).values()];

/**
 * A rush of match creations through one node (a tournament start) spreads over
 * the live nodes by their weight, counting what was just placed: Colyseus's
 * room counts are saved about once a second, too late for a burst.
 */
describe("placement of a burst of new matches (real redis-server, node processes)", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  const nodes: ArenaNode[] = [];
  // Every creation reserves a seat for the same address and identity: caps out of the way, reservations long enough.
  const env = clusterEnv({ ARENA_MAX_CONNECTIONS_PER_IP: "1000", ARENA_MAX_CONNECTIONS_PER_IDENTITY: "0", ARENA_SEAT_RESERVATION_SECONDS: "60" });

  before(async () => {
    redis = await RedisServer.start();
    nodes.push(...(await Promise.all([ArenaNode.start(2896, redis.url, env), ArenaNode.start(2897, redis.url, env)])));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.stop();
  });

  it(`splits ${BURST} creations through one node over two nodes within 45/55`, async () => {
    const placed = await burstOfCreations(nodes[0], BURST);
    const counts = perNode(placed);
    assert.equal(counts.length, 2, `placed on ${counts.length} node(s)`);
    for (const n of counts) assert.ok(n >= 45 && n <= 55, `split ${counts.join("/")}`);
  });

  it("over three nodes, one of weight 2, balances rooms per weight; a draining node gets none", async () => {
    // The first two hold 50 rooms each (reserved for a minute); the new node, of weight 2, none.
    const heavy = await ArenaNode.start(2898, redis.url, { ...env, ARENA_NODE_WEIGHT: "2" });
    nodes.push(heavy);
    const operator = { headers: { Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` } };
    const listed = async () => ((await (await fetch(`${nodes[0].url}/api/nodes`, operator)).json()) as { nodes: { id: string; weight: number; draining: boolean }[] }).nodes;
    const heavyId = (await listed()).find((n) => n.weight === 2)!.id;

    const placed = await burstOfCreations(nodes[1], 2 * BURST);
    // Balanced per weight after it: 300 rooms as 75 / 75 / 150, so the weight-2 node takes about 150 of these 200.
    const onHeavy = placed.filter((id) => id === heavyId).length;
    const others = perNode(placed.filter((id) => id !== heavyId));
    assert.ok(onHeavy >= 130 && onHeavy <= 170, `the weight-2 node took ${onHeavy} of ${placed.length}`);
    assert.equal(others.length, 2);
    for (const n of others) assert.ok(n >= 15 && n <= 35, `the others took ${others.join("/")}`);

    // SIGTERM: the node drains (listed as draining, then gone), and the next burst goes elsewhere.
    const exited = heavy.terminate(60_000);
    await waitFor("the node draining", async () => !(await listed()).some((n) => n.id === heavyId && !n.draining), 10_000);
    const next = await burstOfCreations(nodes[0], 20);
    assert.ok(!next.includes(heavyId), "nothing placed on the draining node");
    await exited;
  });
});

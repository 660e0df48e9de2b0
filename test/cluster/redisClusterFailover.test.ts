import assert from "node:assert/strict";
import { RedisCluster } from "../redisCluster";
import { ArenaNode, clusterEnv } from "./ArenaNode";
import { failoverDuringPlay } from "./failoverDuringPlay";

/**
 * Two nodes on a Redis Cluster of three masters with a replica each: every master
 * fails over to its replica (`CLUSTER FAILOVER`) during a live match and signage.
 * Every master, because the keys Arena writes spread over all slots (a channel's
 * head and log share one hash tag; presence, the node registry and the match
 * listing live elsewhere). The nodes follow the slots to the new masters; the
 * match keeps ticking and its chat crossing nodes, and the channel's numbering
 * goes on with nothing lost, repeated or reset.
 */
describe("two nodes on Redis Cluster, through a failover of every master (real redis-servers, node processes)", function () {
  this.timeout(120_000);
  let cluster: RedisCluster;
  let a: ArenaNode;
  let b: ArenaNode;

  before(async () => {
    cluster = await RedisCluster.start({ replicas: 1 });
    const env = clusterEnv({ REDIS_CLUSTER_NODES: cluster.seeds, ARENA_COUNTDOWN_SECONDS: "60", ARENA_LOBBY_MAX_CLIENTS: "1" });
    [a, b] = await Promise.all([ArenaNode.start(2900, "", env), ArenaNode.start(2901, "", env)]);
  });
  after(async () => {
    await Promise.all([a, b].map((n) => n?.kill()));
    await cluster?.stop();
  });

  it("keeps the match ticking and its chat, and numbers signage on from where it was, once each, no reset", async () => {
    await failoverDuringPlay(a, b, async () => {
      const mastersBefore = await cluster.masters();
      await cluster.failOverEveryMaster();
      assert.equal((await cluster.masters()).filter((port) => mastersBefore.includes(port)).length, 0, "every master replaced");
    });
  });
});

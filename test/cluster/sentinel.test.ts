import assert from "node:assert/strict";
import { RedisSentinel } from "../redisSentinel";
import { ArenaNode, clusterEnv } from "./ArenaNode";
import { failoverDuringPlay } from "./failoverDuringPlay";

/**
 * Two nodes on Redis behind Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME):
 * the master fails over to its replica (SENTINEL FAILOVER) during a live match
 * and signage; the match keeps ticking, and the channel's numbering goes on
 * with nothing lost, repeated or reset.
 */
describe("two nodes on Redis behind Sentinel, through a failover (real redis-servers, node processes)", function () {
  this.timeout(120_000);
  let redis: RedisSentinel;
  let a: ArenaNode;
  let b: ArenaNode;

  before(async () => {
    redis = await RedisSentinel.start();
    const env = clusterEnv({ REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_NAME: RedisSentinel.NAME, ARENA_COUNTDOWN_SECONDS: "60", ARENA_LOBBY_MAX_CLIENTS: "1" });
    [a, b] = await Promise.all([ArenaNode.start(2786, "", env), ArenaNode.start(2787, "", env)]);
  });
  after(async () => {
    await Promise.all([a, b].map((n) => n?.kill()));
    await redis?.stop();
  });

  it("keeps the match ticking and its chat, and numbers signage on from where it was, once each, no reset", async () => {
    await failoverDuringPlay(a, b, async () => {
      const oldMaster = await redis.currentMaster();
      await redis.failover();
      assert.notEqual(await redis.currentMaster(), oldMaster);
    });
  });
});

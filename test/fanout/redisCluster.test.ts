import { RedisPresence } from "@colyseus/redis-presence";
import { audienceContract } from "./audience";
import { fanoutContract, redisNodes } from "./contract";
import { RedisCluster } from "../redisCluster";

/** The same contract on a Redis Cluster of three masters: channel keys share a slot by their hash tag. */
describe("fan-out on Redis Cluster", function () {
  this.timeout(60_000);
  let cluster: RedisCluster;
  before(async () => {
    cluster = await RedisCluster.start();
  });
  after(() => cluster.stop());

  const onCluster = redisNodes(() => new RedisPresence(cluster.nodes));
  fanoutContract("Redis Cluster presence", onCluster);
  audienceContract("Redis Cluster presence", onCluster);
});

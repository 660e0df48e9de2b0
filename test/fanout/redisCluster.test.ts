import { RedisPresence } from "@colyseus/redis-presence";
import { channelStoreFor } from "../../rooms/fanout";
import { audienceContract } from "./audience";
import { fanoutContract, PresenceFactory } from "./contract";
import { RedisCluster } from "../redisCluster";

/** The same contract on a Redis Cluster of three masters: channel keys share a slot by their hash tag. */
describe("fan-out on Redis Cluster", function () {
  this.timeout(60_000);
  let cluster: RedisCluster;
  before(async () => {
    cluster = await RedisCluster.start();
  });
  after(() => cluster.stop());

  const onCluster = async (): Promise<PresenceFactory> => {
    const nodes: RedisPresence[] = [];
    return {
      node: () => {
        const presence = new RedisPresence(cluster.nodes);
        nodes.push(presence);
        return { presence, store: channelStoreFor(presence, 5) };
      },
      cleanup: async () => {
        for (const presence of nodes) presence.shutdown();
      },
    };
  };
  fanoutContract("Redis Cluster presence", onCluster);
  audienceContract("Redis Cluster presence", onCluster);
});

import { RedisPresence } from "@colyseus/redis-presence";
import { channelStoreFor } from "../../rooms/fanout";
import { audienceContract } from "./audience";
import { fanoutContract, PresenceFactory } from "./contract";
import { RedisServer } from "../redisServer";

describe("fan-out on Redis", () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(() => redis.stop());

  const onRedis = async (): Promise<PresenceFactory> => {
    const nodes: RedisPresence[] = [];
    return {
      node: () => {
        const presence = new RedisPresence(redis.url);
        nodes.push(presence);
        return { presence, store: channelStoreFor(presence, 5) };
      },
      cleanup: async () => {
        for (const presence of nodes) presence.shutdown();
      },
    };
  };
  fanoutContract("Redis presence", onRedis);
  audienceContract("Redis presence", onRedis);
});

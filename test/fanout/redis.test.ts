import { RedisPresence } from "@colyseus/redis-presence";
import { fanoutContract } from "./contract";
import { RedisServer } from "../redisServer";

describe("fan-out on Redis", () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(() => redis.stop());

  fanoutContract("Redis presence", async () => {
    const nodes: RedisPresence[] = [];
    return {
      node: () => {
        const presence = new RedisPresence(redis.url);
        nodes.push(presence);
        return presence;
      },
      cleanup: async () => {
        for (const presence of nodes) presence.shutdown();
      },
    };
  });
});

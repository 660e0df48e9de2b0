import { RedisPresence } from "@colyseus/redis-presence";
import { channelStoreFor } from "../../rooms/fanout";
import { audienceContract } from "./audience";
import { fanoutContract, PresenceFactory } from "./contract";
import { RedisSentinel } from "../redisSentinel";

/** The same contract on Redis reached through Sentinel, as REDIS_SENTINELS connects. */
describe("fan-out on Redis behind Sentinel", function () {
  this.timeout(60_000);
  let redis: RedisSentinel;
  before(async () => {
    redis = await RedisSentinel.start();
  });
  after(() => redis.stop());

  const onSentinel = async (): Promise<PresenceFactory> => {
    const nodes: RedisPresence[] = [];
    return {
      node: () => {
        const presence = new RedisPresence({ sentinels: [{ host: "127.0.0.1", port: redis.sentinel }], name: RedisSentinel.NAME });
        nodes.push(presence);
        return { presence, store: channelStoreFor(presence, 5) };
      },
      cleanup: async () => {
        for (const presence of nodes) presence.shutdown();
      },
    };
  };
  fanoutContract("Redis presence through Sentinel", onSentinel);
  audienceContract("Redis presence through Sentinel", onSentinel);
});

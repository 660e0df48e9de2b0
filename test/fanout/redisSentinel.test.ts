import { RedisPresence } from "@colyseus/redis-presence";
import { audienceContract } from "./audience";
import { fanoutContract, redisNodes } from "./contract";
import { RedisSentinel } from "../redisSentinel";

/** The same contract on Redis reached through Sentinel, as REDIS_SENTINELS connects. */
describe("fan-out on Redis behind Sentinel", function () {
  this.timeout(60_000);
  let redis: RedisSentinel;
  before(async () => {
    redis = await RedisSentinel.start();
  });
  after(() => redis.stop());

  const onSentinel = redisNodes(() => new RedisPresence({ sentinels: [{ host: "127.0.0.1", port: redis.sentinel }], name: RedisSentinel.NAME }));
  fanoutContract("Redis presence through Sentinel", onSentinel);
  audienceContract("Redis presence through Sentinel", onSentinel);
});

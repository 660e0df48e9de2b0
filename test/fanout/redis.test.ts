import { RedisPresence } from "@colyseus/redis-presence";
import { audienceContract } from "./audience";
import { fanoutContract, redisNodes } from "./contract";
import { RedisServer } from "../redisServer";

describe("fan-out on Redis", () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(() => redis.stop());

  const onRedis = redisNodes(() => new RedisPresence(redis.url));
  fanoutContract("Redis presence", onRedis);
  audienceContract("Redis presence", onRedis);
});

/**
 * Benchmark peer "stock Colyseus": the official template's shape (@colyseus/tools
 * config + listen) serving StockMatchRoom as `match`, on PORT. Plus /healthz and
 * /metrics so the benchmark reads it exactly as it reads Arena. With REDIS_URL,
 * one of several nodes as the Colyseus docs scale out: Redis presence and driver,
 * reachable at PUBLIC_ADDRESS.
 */
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import config, { listen } from "@colyseus/tools";
import { ArenaMetrics } from "../../../server/metrics";
import { StockMatchRoom } from "./StockMatchRoom";

const metrics = new ArenaMetrics();
const redisUrl = process.env.REDIS_URL;
const scaledOut = redisUrl ? { presence: new RedisPresence(redisUrl), driver: new RedisDriver(redisUrl), publicAddress: process.env.PUBLIC_ADDRESS } : {};

listen(
  config({
    options: { greet: false, ...scaledOut },
    displayLogs: false,
    initializeGameServer: (gameServer) => {
      gameServer.define("match", StockMatchRoom, { metrics });
    },
    initializeExpress: (app) => {
      app.get("/healthz", (_req, res) => {
        res.json({ ok: true });
      });
      app.get("/metrics", async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      });
    },
  }),
);

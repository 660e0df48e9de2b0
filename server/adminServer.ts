import http from "node:http";
import express from "express";
import { healthRoutes, Readiness } from "./health";
import { logger } from "./logger";
import type { ArenaMetrics } from "./metrics";

/**
 * The internal listener (ARENA_ADMIN_PORT on ARENA_ADMIN_HOST, loopback by
 * default): /metrics without a token for Prometheus on the ops network, and
 * the health checks. On the public port /metrics takes an operator token.
 */
export async function startAdminServer(host: string, port: number, metrics: ArenaMetrics, isReady: () => Readiness): Promise<http.Server> {
  const app = express();
  app.disable("x-powered-by");
  app.use(healthRoutes(isReady));
  app.get("/metrics", metricsRoute(metrics));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  logger.info({ host, port }, "admin listener (metrics, health) up");
  return server;
}

/** GET /metrics: the registry in Prometheus text format. */
export function metricsRoute(metrics: ArenaMetrics): express.RequestHandler {
  return (_req, res, next) => {
    metrics.registry.metrics().then((text) => res.type(metrics.registry.contentType).send(text), next);
  };
}

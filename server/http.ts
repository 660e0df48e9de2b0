import express, { Express } from "express";
import type { Admission } from "./admission";
import { authRoutes } from "./auth/routes";
import { channelRoutes } from "./channelRoutes";
import { healthRoutes, Readiness } from "./health";
import { nodeRoutes } from "./nodeRoutes";
import { jsonErrors, notFound } from "./httpErrors";
import { registry } from "./metrics";

/** The HTTP API mounted on the game server's Express app; `isReady` answers /readyz. */
export function mountHttpApi(app: Express, admission: Admission, isReady: () => Readiness): void {
  app.use(express.json({ limit: admission.config.ARENA_MAX_HTTP_BODY_BYTES }));
  app.use(healthRoutes(isReady));

  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  app.use(authRoutes(admission));
  app.use(channelRoutes(admission));
  app.use(nodeRoutes());

  app.use("/api", notFound);
  app.use(jsonErrors);
}

import express, { Express } from "express";
import { registry } from "./metrics";

/** The HTTP API mounted on the game server's Express app. */
export function mountHttpApi(app: Express): void {
  app.use(express.json({ limit: "16kb" }));

  app.get("/healthz", (_req, res) => {
    res.json({ ok: true, uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}

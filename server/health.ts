import { Router } from "express";
import type { Drain } from "./drain";

export type Readiness = { ready: true } | { ready: false; reason: "draining" | "store_unreachable" };

/**
 * Whether this node takes new work: not while it drains, nor while its store
 * (Redis) is unreachable, since matchmaking and publishes need it.
 */
export function readiness(drain: Drain, storeReachable: () => boolean): Readiness {
  if (drain.started) return { ready: false, reason: "draining" };
  if (!storeReachable()) return { ready: false, reason: "store_unreachable" };
  return { ready: true };
}

/**
 * /healthz is liveness (restart the process if it fails): 200 while it runs.
 * /readyz is readiness (send it new players or not): 503 with the reason.
 */
export function healthRoutes(isReady: () => Readiness): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ ok: true, uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get("/readyz", (_req, res) => {
    const state = isReady();
    res.status(state.ready ? 200 : 503).json(state);
  });
  return router;
}

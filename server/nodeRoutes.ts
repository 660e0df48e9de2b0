import { monitor } from "@colyseus/monitor";
import { Router } from "express";
import { requireRole } from "./auth/requireRole";
import { nodeRegistry } from "./cluster";

/**
 * GET /api/nodes (operators): every live node's id, address, rooms, clients and
 * load; and Colyseus's own monitor at /colyseus, behind the same operator check.
 */
export function nodeRoutes(): Router {
  const router = Router();
  router.use("/colyseus", requireRole("operator"), monitor());
  router.get("/api/nodes", requireRole("operator"), (_req, res, next) => {
    const registry = nodeRegistry();
    if (!registry) return res.json({ nodes: [] });
    registry.list().then((nodes) => res.json({ nodes }), next);
  });
  return router;
}

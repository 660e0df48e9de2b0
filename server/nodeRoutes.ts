import { monitor } from "@colyseus/monitor";
import { Router } from "express";
import type { Admission } from "./admission";
import { requireRole, requireRoleWithLogin } from "./auth/requireRole";
import type { NodeRegistry } from "./cluster/NodeRegistry";

/**
 * GET /api/nodes (operators): every live node's id, address, rooms, clients and
 * load (`nodeRegistry`: this node's registry once it runs); and Colyseus's own
 * monitor at /colyseus, behind the same operator check, which a browser can pass
 * with its login prompt (the operator token as password).
 */
export function nodeRoutes(admission: Admission, nodeRegistry: () => NodeRegistry | undefined): Router {
  const router = Router();
  router.use("/colyseus", requireRoleWithLogin(admission, "Arena monitor", "operator"), monitor());
  router.get("/api/nodes", requireRole(admission, "operator"), (_req, res, next) => {
    const registry = nodeRegistry();
    if (!registry) return res.json({ nodes: [] });
    registry.list().then((nodes) => res.json({ nodes }), next);
  });
  return router;
}

import type { Express, Router } from "express";
import type { Admission } from "./admission";
import { authRoutes } from "./auth/routes";
import type { NodeRegistry } from "./cluster/NodeRegistry";
import { metricsRoute } from "./adminServer";
import { requireRole } from "./auth/requireRole";
import { healthRoutes, Readiness } from "./health";
import { nodeRoutes } from "./nodeRoutes";
import { jsonErrors, notFound } from "./httpErrors";
import type { ArenaMetrics } from "./metrics";

export interface HttpApi {
  admission: Admission;
  metrics: ArenaMetrics;
  /** Answers /readyz. */
  isReady: () => Readiness;
  /** This node's registry, once it runs (/api/nodes). */
  nodeRegistry: () => NodeRegistry | undefined;
  /** The features' own routes (signage), mounted before the API's 404. */
  routes: Router[];
}

/** The HTTP API mounted on the game server's Express app. */
export function mountHttpApi(app: Express, { admission, metrics, isReady, nodeRegistry, routes }: HttpApi): void {
  app.use(healthRoutes(isReady));

  // For operators only here; Prometheus without a token scrapes the admin listener (ARENA_ADMIN_PORT).
  app.get("/metrics", requireRole(admission, "operator"), metricsRoute(metrics));

  app.use(authRoutes(admission));
  for (const router of routes) app.use(router);
  app.use(nodeRoutes(admission, nodeRegistry));

  app.use("/api", notFound);
  app.use(jsonErrors);
}

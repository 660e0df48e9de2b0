import type { IncomingMessage } from "node:http";
import cors from "cors";
import type { Express, RequestHandler } from "express";
import { matchMaker } from "@colyseus/core";

/**
 * Which other origins' pages may call this server, and with what. Arena's API
 * and matchmaking take bearer tokens, never cookies, so any origin may call
 * them without credentials (`Access-Control-Allow-Origin: *`): a game page
 * hosted elsewhere works. Credentialed requests (cookies, HTTP auth) are allowed
 * only from ARENA_ALLOWED_ORIGINS, never by reflecting whatever Origin came.
 */
export class CrossOrigin {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins);
  }

  /** The CORS headers for a request from `origin`. */
  headersFor(origin: string | undefined): Record<string, string> {
    if (origin !== undefined && this.allowed.has(origin)) {
      return { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
    }
    return { "Access-Control-Allow-Origin": "*" };
  }

  /**
   * Applies the policy to the Express app and to Colyseus's matchmaking routes.
   * @colyseus/tools installs `cors({origin: true, credentials: true})` (any
   * origin, with credentials) before initializeExpress runs: that layer is
   * taken out. Colyseus answers matchmaking itself, with CORS headers from its
   * matchmaking controller, which is one per process (as Colyseus's matchmaker is).
   */
  apply(app: Express): void {
    const router = (app as unknown as { _router?: { stack: Array<{ handle: { name?: string } }> } })._router;
    if (router) router.stack = router.stack.filter((layer) => layer.handle.name !== "corsMiddleware");
    app.use(this.middleware());
    // Colyseus writes its defaults, then these: credentials come only from headersFor.
    delete (matchMaker.controller.DEFAULT_CORS_HEADERS as Partial<Record<string, string>>)["Access-Control-Allow-Credentials"];
    matchMaker.controller.getCorsHeaders = (req: IncomingMessage) => this.headersFor(req.headers.origin);
  }

  private middleware(): RequestHandler {
    return cors((req, callback) => {
      const credentialed = req.headers.origin !== undefined && this.allowed.has(req.headers.origin);
      callback(null, credentialed ? { origin: req.headers.origin, credentials: true } : { origin: "*", credentials: false });
    });
  }
}

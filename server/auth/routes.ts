import { Router } from "express";
import { z } from "zod";
import { ErrorCode } from "../../schema/codes";
import { describeIssues } from "../../schema/messages";
import { ApiError } from "../ApiError";
import type { Admission } from "../admission";
import { rateLimitPerIp } from "../limits/httpRateLimit";
import { jsonBody } from "../limits/jsonBody";
import { DisplayName, ROLES } from "./identity";
import { identityOf, requireRole } from "./requireRole";

/** Guests may be players or displays; operator tokens only come from `npm run token`. */
const GuestRequest = z.object({ name: DisplayName, role: z.enum(["player", "display"]) });

/** /api/auth/guest, /api/whoami and the operators' /api/connections. */
export function authRoutes(admission: Admission): Router {
  const { auth, config } = admission;
  const router = Router();

  const limit = rateLimitPerIp("auth", config.ARENA_AUTH_REQUESTS_PER_MINUTE, config.ARENA_TRUST_PROXY);
  router.post("/api/auth/guest", limit, jsonBody(config.ARENA_MAX_HTTP_BODY_BYTES), (req, res, next) => {
    if (!auth.guestsEnabled) return next(new ApiError(ErrorCode.GUESTS_DISABLED, "guest tokens are off on this server (ARENA_GUEST_AUTH)"));
    const body = GuestRequest.safeParse(req.body);
    if (!body.success) return next(new ApiError(ErrorCode.INVALID_REQUEST, describeIssues(body.error)));
    auth.sign(body.data, config.ARENA_GUEST_TOKEN_SECONDS).then(
      (token) => res.json({ token }),
      next,
    );
  });

  router.get("/api/whoami", requireRole(admission, ...ROLES), (_req, res) => {
    res.json(identityOf(res));
  });

  router.get("/api/connections", requireRole(admission, "operator"), (_req, res, next) => {
    admission.seats.byAddress.top(20).then(
      (top) => res.json({ maxPerIp: config.ARENA_MAX_CONNECTIONS_PER_IP, top }),
      next,
    );
  });

  return router;
}

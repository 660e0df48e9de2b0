import { getBearerToken } from "@colyseus/core";
import type { RequestHandler, Response } from "express";
import { ApiError } from "../ApiError";
import { authRefused } from "../metrics";
import { Auth } from "./Auth";
import type { Identity, Role } from "./identity";

/**
 * Express middleware for routes behind a bearer token: 401 without a valid
 * token, 403 when its role is not among `roles`; the identity is then in
 * `identityOf(res)`. E.g. `app.post("/api/...", requireRole(auth, "operator"), handler)`.
 */
export function requireRole(auth: Auth, ...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    auth
      .verify(getBearerToken(req.headers.authorization ?? ""))
      .then((identity) => {
        Auth.requireRole(identity, roles);
        res.locals.identity = identity;
        next();
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError) authRefused.labels(error.code).inc();
        next(error);
      });
  };
}

/** The identity `requireRole` admitted for this request. */
export function identityOf(res: Response): Identity {
  return res.locals.identity as Identity;
}

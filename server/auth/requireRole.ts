import { getBearerToken } from "@colyseus/core";
import type { RequestHandler, Response } from "express";
import type { Admission } from "../admission";
import type { Identity, Role } from "./identity";

/**
 * Express middleware for routes behind a bearer token: 401 without a valid
 * token, 403 when its role is not among `roles`; the identity is then in
 * `identityOf(res)`. E.g. `app.post("/api/...", requireRole(admission, "operator"), handler)`.
 */
export function requireRole(admission: Admission, ...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    admission.authorize(getBearerToken(req.headers.authorization ?? ""), roles).then((identity) => {
      res.locals.identity = identity;
      next();
    }, next);
  };
}

/** The identity `requireRole` admitted for this request. */
export function identityOf(res: Response): Identity {
  return res.locals.identity as Identity;
}

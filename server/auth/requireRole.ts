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
  return roleGuard(admission, roles, getBearerToken);
}

/**
 * `requireRole` for pages people open in a browser (the Colyseus monitor): the
 * token may also come as the password of HTTP Basic auth (any user name), and
 * a refusal asks the browser for it (`WWW-Authenticate: Basic`), so an operator
 * pastes their token into the browser's login prompt.
 */
export function requireRoleWithLogin(admission: Admission, realm: string, ...roles: Role[]): RequestHandler {
  const guard = roleGuard(admission, roles, bearerOrBasicPassword);
  return (req, res, next) =>
    guard(req, res, (error?: unknown) => {
      if (error) res.set("WWW-Authenticate", `Basic realm="${realm}", charset="UTF-8"`);
      next(error);
    });
}

function roleGuard(admission: Admission, roles: Role[], tokenOf: (authorization: string) => string | undefined): RequestHandler {
  return (req, res, next) => {
    admission.authorize(tokenOf(req.headers.authorization ?? ""), roles).then((identity) => {
      res.locals.identity = identity;
      next();
    }, next);
  };
}

function bearerOrBasicPassword(header: string): string | undefined {
  if (!header.startsWith("Basic ")) return getBearerToken(header);
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/** The identity `requireRole` admitted for this request. */
export function identityOf(res: Response): Identity {
  return res.locals.identity as Identity;
}

import helmet from "helmet";
import type { RequestHandler } from "express";

/**
 * helmet's security headers on every response (nosniff, frame-ancestors, no
 * referrer leaks...), with a Content-Security-Policy the pages live with: their
 * own scripts and stylesheet only, inline style attributes, and WebSockets to
 * any node (matchmaking may seat a client on another node's public address).
 * No upgrade-insecure-requests: a node on plain HTTP (development, behind a
 * TLS proxy on loopback) must keep working.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        "connect-src": ["'self'", "ws:", "wss:"],
        "upgrade-insecure-requests": null,
      },
    },
    // The pages are plain HTTP in development; HSTS belongs on the TLS proxy in front.
    strictTransportSecurity: false,
  });
}

import type { IncomingMessage } from "node:http";

/**
 * The address limits are keyed by. The socket's peer, unless Arena sits behind
 * a proxy it trusts (ARENA_TRUST_PROXY), which then names the client first in
 * X-Forwarded-For. Never trusted by default: anyone can send that header.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers["x-forwarded-for"] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  const ip = first || req.socket.remoteAddress || "unknown";
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; count them once.
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

import type { IncomingMessage } from "node:http";

/**
 * The address limits are keyed by: the socket's peer, unless Arena sits behind
 * one proxy it trusts (ARENA_TRUST_PROXY), which then names the client as the
 * last X-Forwarded-For entry (the one it appended itself; earlier entries come
 * from the client and can be forged). Never trusted by default.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const header = trustProxy ? req.headers["x-forwarded-for"] : undefined;
  const forwarded = (Array.isArray(header) ? header.join(",") : header)?.split(",").pop()?.trim();
  const ip = forwarded || req.socket.remoteAddress || "unknown";
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; count them once.
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

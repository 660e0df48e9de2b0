import type { AuthContext } from "@colyseus/core";
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
  return plainIp(forwarded || req.socket.remoteAddress || "unknown");
}

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; count them once. */
function plainIp(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

/** The client address of a matchmaking request or a room join (Colyseus's auth context). */
export function contextIp(context: AuthContext, trustProxy: boolean): string {
  return context.req ? clientIp(context.req, trustProxy) : plainIp(String(context.ip));
}

import ipaddr from "ipaddr.js";
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

/**
 * The key an address counts under: IPv4 as it is (a dual-stack socket's
 * ::ffff:a.b.c.d counted once with a.b.c.d), IPv6 by its /64, the block one
 * subscriber line gets: counted one by one, a single /64 would be 2^64 addresses.
 */
function plainIp(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === "ipv4") return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(":")}::/64`;
}

/** The client address of a matchmaking request or a room join (Colyseus's auth context). */
export function contextIp(context: AuthContext, trustProxy: boolean): string {
  return context.req ? clientIp(context.req, trustProxy) : plainIp(String(context.ip));
}

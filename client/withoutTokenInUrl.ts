/**
 * A colyseus.js `urlBuilder` that keeps the bearer token out of the WebSocket URL.
 *
 * colyseus.js 0.16 sends `client.auth.token` in the Authorization header of the
 * matchmaking request (where Arena checks it) and also appends it to the room's
 * WebSocket URL as `_authToken`, where proxies and access logs would record it.
 * Arena never reads it there: the seat reservation is the connection's ticket.
 *
 *     const client = new Client(endpoint, { urlBuilder: withoutTokenInUrl });
 *     client.auth.token = token;
 */
export function withoutTokenInUrl(url: URL): string {
  url.searchParams.delete("_authToken");
  return url.toString();
}

import { Client } from "colyseus.js";
import { withoutTokenInUrl } from "./withoutTokenInUrl";

/**
 * A colyseus.js client of the Arena node at `endpoint` (http(s)://host:port),
 * presenting `token` on matchmaking and keeping it out of WebSocket URLs.
 * Works the same in a browser and in Node.
 */
export function arenaClient(endpoint: string, token: string): Client {
  const client = new Client(endpoint.replace(/^http/, "ws"), { urlBuilder: withoutTokenInUrl });
  client.auth.token = token;
  return client;
}

import type { Client, Room } from "colyseus.js";
import { arenaClient } from "./arenaClient";

/** One way into Arena: a base URL (http(s)://host:port) and a colyseus.js client of it. */
export interface Endpoint {
  url: string;
  client: Client;
}

/** Endpoints from base URLs (a load balancer, or nodes), each client presenting `token`. */
export function endpointsOf(endpoint: string | string[], token: string): Endpoint[] {
  return (Array.isArray(endpoint) ? endpoint : [endpoint]).map((url) => ({ url, client: arenaClient(url, token) }));
}

/** The endpoint a colyseus.js client already addresses. */
export function endpointOfClient(client: Client): Endpoint {
  const { hostname, port, secure, pathname } = client["settings"];
  return { url: `${secure ? "https" : "http"}://${hostname}:${port}${pathname}`, client };
}

/** host:port of the node whose socket `room` is connected to (matchmaking sends it straight there). */
export function nodeAddressOf(room: Room): string {
  return new URL((room.connection.transport as unknown as { ws: { url: string } }).ws.url).host;
}

/**
 * The endpoints a client may use, one at a time: after a failure the next one
 * is tried, since the current one may be a dead node.
 */
export class EndpointRotation {
  private index = 0;

  constructor(private readonly endpoints: readonly Endpoint[]) {
    if (endpoints.length === 0) throw new Error("at least one endpoint is needed");
  }

  get size(): number {
    return this.endpoints.length;
  }

  get current(): Endpoint {
    return this.endpoints[this.index];
  }

  /** The current endpoint failed: the next one is used from now on. */
  advance(): void {
    this.index = (this.index + 1) % this.endpoints.length;
  }

  /**
   * The current endpoint, or the next one that is not at `avoid` (host:port of
   * a node to stay away from, e.g. one draining); undefined when all are there.
   */
  pick(avoid?: string): Endpoint | undefined {
    for (let tried = 0; tried < this.endpoints.length; tried++, this.advance()) {
      if (new URL(this.current.url).host !== avoid) return this.current;
    }
    return undefined;
  }
}

import type { MatchMakerDriver, Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import type { ArenaConfig } from "../config";

export interface Backend {
  presence?: Presence;
  driver?: MatchMakerDriver;
  /** "in-process" or "redis" / "redis-cluster", for logs and /api/nodes. */
  kind: string;
}

/**
 * Presence and matchmaking driver from the environment: Redis (or Redis Cluster)
 * when configured, else Colyseus's in-process defaults (undefined).
 */
export function createBackend(settings: ArenaConfig): Backend {
  if (settings.REDIS_CLUSTER_NODES) {
    const nodes = settings.REDIS_CLUSTER_NODES.split(",").map((hostPort) => {
      const [host, port] = hostPort.split(":");
      return { host, port: Number(port) };
    });
    return { presence: new RedisPresence(nodes), driver: new RedisDriver(nodes), kind: "redis-cluster" };
  }
  if (settings.REDIS_URL) {
    return { presence: new RedisPresence(settings.REDIS_URL), driver: new RedisDriver(settings.REDIS_URL), kind: "redis" };
  }
  return { kind: "in-process" };
}

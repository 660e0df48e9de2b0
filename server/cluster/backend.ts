import { LocalPresence, MatchMakerDriver, Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import type { ArenaConfig } from "../config";
import { allConnected, logRedisErrors, RedisConnection } from "./redisConnections";

export interface Backend {
  presence: Presence;
  /** Undefined in process: Colyseus then uses its own in-process driver. */
  driver?: MatchMakerDriver;
  /** "in-process" or "redis" / "redis-cluster" / "redis-sentinel", for logs and /api/nodes. */
  kind: string;
  /**
   * Every Redis connection this node's work depends on, by name (for the log).
   * `storeReachable` needs each one up, and createBackend sends each one's errors
   * to the log: a new client is watched by being listed here.
   */
  redis: Record<string, RedisConnection>;
}

/** Whether the node's store answers (readiness); always true in process. */
export function storeReachable(backend: Backend): boolean {
  return allConnected(Object.values(backend.redis));
}

/**
 * Presence and matchmaking driver from the environment: Redis (or Redis Cluster)
 * when configured, else in-process presence and Colyseus's in-process driver.
 */
export function createBackend(settings: ArenaConfig): Backend {
  const backend = redisBackend(settings) ?? { presence: new LocalPresence(), kind: "in-process", redis: {} };
  for (const [name, connection] of Object.entries(backend.redis)) logRedisErrors(name, connection);
  return backend;
}

function redisBackend(settings: ArenaConfig): Backend | undefined {
  if (settings.REDIS_CLUSTER_NODES) {
    const nodes = hostPorts(settings.REDIS_CLUSTER_NODES);
    return withConnections(new RedisPresence(nodes), new RedisDriver(nodes), "redis-cluster");
  }
  if (settings.REDIS_SENTINELS) {
    // ioredis asks the sentinels for the master, and asks again when a failover drops its connection; a write
    // that reaches the demoted master (READONLY) reconnects to the new one and is sent again.
    const options = {
      sentinels: hostPorts(settings.REDIS_SENTINELS),
      name: settings.REDIS_SENTINEL_NAME!,
      reconnectOnError: (err: Error) => (err.message.startsWith("READONLY") ? (2 as const) : false),
    };
    return withConnections(new RedisPresence(options), new RedisDriver(options), "redis-sentinel");
  }
  if (settings.REDIS_URL) return withConnections(new RedisPresence(settings.REDIS_URL), new RedisDriver(settings.REDIS_URL), "redis");
  return undefined;
}

/**
 * Colyseus's presence and driver with their ioredis connections, which they do
 * not expose (protected `pub`/`sub`, private `_client` in 0.16; the lifecycle
 * test fails if they move).
 */
function withConnections(presence: RedisPresence, driver: RedisDriver, kind: string): Backend {
  const { pub, sub } = presence as unknown as { pub: RedisConnection; sub: RedisConnection };
  const { _client } = driver as unknown as { _client: RedisConnection };
  return { presence, driver, kind, redis: { "presence.pub": pub, "presence.sub": sub, driver: _client } };
}

/** "host:port,host:port" as ioredis takes seeds and sentinels. */
function hostPorts(list: string): { host: string; port: number }[] {
  return list.split(",").map((hostPort) => {
    const [host, port] = hostPort.split(":");
    return { host, port: Number(port) };
  });
}

import { logger } from "../logger";

/** What Arena watches on a Redis connection: an ioredis `Redis` or `Cluster` fits as it is. */
export interface RedisConnection {
  /** ioredis's connection state; "ready" is the only one in which commands are sent at once. */
  readonly status: string;
  on(event: "error", listener: (err: Error) => void): unknown;
  on(event: "ready", listener: () => void): unknown;
}

/** After an outage's first line, at most one more line per this interval while it lasts. */
export const REDIS_ERROR_REPEAT_MS = 30_000;

const log = logger.child({ subsystem: "redis" });

/** Whether every connection is up (true for none: an in-process node has no store to lose). */
export function allConnected(connections: Iterable<RedisConnection>): boolean {
  for (const connection of connections) if (connection.status !== "ready") return false;
  return true;
}

/**
 * Sends a connection's errors to the structured log, rate-limited. ioredis emits
 * one error per failed reconnect attempt (dozens per outage and connection) and,
 * with no listener, prints each to stderr with its stack trace. Here an outage
 * writes its first error at warn, then at most one warn per `repeatMs` counting
 * the errors since, and one info line when the connection is ready again.
 */
export function logRedisErrors(name: string, connection: RedisConnection, repeatMs = REDIS_ERROR_REPEAT_MS): void {
  let outage: { startedAt: number; errors: number; loggedAt: number; unlogged: number } | undefined;
  connection.on("error", (err) => {
    const now = Date.now();
    if (!outage) {
      outage = { startedAt: now, errors: 1, loggedAt: now, unlogged: 0 };
      log.warn({ client: name, error: err.message }, "redis client error");
      return;
    }
    outage.errors++;
    outage.unlogged++;
    if (now - outage.loggedAt < repeatMs) return;
    log.warn({ client: name, error: err.message, errors: outage.unlogged, downMs: now - outage.startedAt }, "redis client still failing");
    outage.loggedAt = now;
    outage.unlogged = 0;
  });
  connection.on("ready", () => {
    if (!outage) return;
    log.info({ client: name, errors: outage.errors, downMs: Date.now() - outage.startedAt }, "redis client reconnected");
    outage = undefined;
  });
}

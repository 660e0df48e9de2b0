import { logger } from "../logger";
import { allConnected, RedisConnection } from "./redisConnections";

const log = logger.child({ subsystem: "nodes" });

/**
 * Runs `back` each time the store returns: once any of `connections` has
 * reconnected and all of them are ready again. ioredis sends a subscriber's
 * SUBSCRIBEs again before it reports ready, so what `back` publishes after
 * its first round trips reaches this node's subscribers too. A `back` that
 * fails (the store went away again) is logged; the next return runs it again.
 */
export function onStoreBack(connections: RedisConnection[], back: () => Promise<void>): void {
  let returning = false;
  for (const connection of connections) {
    let wasReady = connection.status === "ready";
    connection.on("ready", () => {
      returning ||= wasReady;
      wasReady = true;
      if (!returning || !allConnected(connections)) return;
      returning = false;
      back().catch((err: unknown) => log.warn({ err }, "could not register again after the store came back"));
    });
  }
}

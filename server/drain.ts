import { matchMaker } from "@colyseus/core";
import { logger } from "./logger";

const log = logger.child({ subsystem: "drain" });

/**
 * This node's drain, from SIGTERM (Colyseus's before-shutdown) to the last room
 * closed (its shutdown): readiness fails for the whole of it, and its start and
 * end are logged so an operator can tell a drain from a stall.
 */
export class Drain {
  private startedAt?: number;

  get started(): boolean {
    return this.startedAt !== undefined;
  }

  start(): void {
    if (this.started) return;
    this.startedAt = performance.now();
    log.info({ rooms: matchMaker.stats.local.roomCount, clients: matchMaker.stats.local.ccu }, "drain started");
  }

  /** Every room has closed. */
  finish(): void {
    if (this.startedAt === undefined) return;
    log.info({ durationMs: Math.round(performance.now() - this.startedAt) }, "drain finished");
  }
}

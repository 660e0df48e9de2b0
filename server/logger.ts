import pino from "pino";

/** The levels ARENA_LOG_LEVEL takes (server/config.ts refuses any other with a clear message). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/**
 * One structured logger; subsystems take a child with their name. Level by
 * ARENA_LOG_LEVEL, read as the module loads; an unknown level logs at info
 * until the configuration check stops the server with its message (pino itself would throw, unexplained).
 */
const requested = process.env.ARENA_LOG_LEVEL ?? "info";
export const logger = pino({ level: (LOG_LEVELS as readonly string[]).includes(requested) ? requested : "info", base: undefined });

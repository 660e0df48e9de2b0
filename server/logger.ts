import pino from "pino";

/** One structured logger; subsystems take a child with their name. Level by ARENA_LOG_LEVEL. */
export const logger = pino({ level: process.env.ARENA_LOG_LEVEL ?? "info", base: undefined });

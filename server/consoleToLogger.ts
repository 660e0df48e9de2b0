import { format } from "node:util";
import { logger } from "./logger";

/**
 * Lines libraries print on the console (at startup, @colyseus/tools and dotenv
 * announce the env files they load, dotenv on stderr) go through the structured
 * logger, one JSON line each like everything else: console.log and info at
 * info, warn and error at warn. Imported first by main.ts, before those libraries load.
 */
const log = logger.child({ subsystem: "console" });
console.log = (...args: unknown[]) => log.info(format(...args));
console.info = console.log;
console.warn = (...args: unknown[]) => log.warn(format(...args));
console.error = console.warn;

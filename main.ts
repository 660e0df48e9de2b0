import "./server/consoleToLogger";
import { listen } from "@colyseus/tools";
import { createArena } from "./arena.config";
import { logger } from "./server/logger";
import { stopPm2Probes } from "./server/pm2Probes";

stopPm2Probes();
let arena: ReturnType<typeof createArena>;
try {
  arena = createArena();
} catch (error) {
  // A bad environment stops the server with one structured line naming the variable, not a stack trace.
  logger.fatal({ reason: error instanceof Error ? error.message : String(error) }, "Arena did not start");
  process.exit(1);
}
// Under PM2 (`wait_ready`), the node counts as online once it listens.
void listen(arena).then(() => process.send?.("ready"));

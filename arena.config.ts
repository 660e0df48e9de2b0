import config from "@colyseus/tools";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { MatchRoom } from "./rooms/MatchRoom";
import { mountHttpApi } from "./server/http";
import { loadConfig } from "./server/config";
import { createBackend } from "./server/cluster/backend";
import { nodeRegistry, selectNodeForNewRoom, startNodeRegistry } from "./server/cluster";
import { logger } from "./server/logger";

const settings = loadConfig();
const backend = createBackend(settings);

/**
 * Composition root: presence and driver (in-process, or Redis when REDIS_URL is
 * set), transport, rooms, HTTP API, node registry and drain on SIGTERM.
 */
export default config({
  options: {
    presence: backend.presence,
    driver: backend.driver,
    publicAddress: settings.ARENA_PUBLIC_ADDRESS,
    selectProcessIdToCreateRoom: selectNodeForNewRoom,
    // Colyseus's greeting banner is noise in logs and tests.
    greet: false,
  },
  initializeTransport: (options) =>
    new WebSocketTransport({
      ...options,
      // Frames above this are refused by the socket layer before any room sees them (close 1009).
      maxPayload: settings.ARENA_MAX_MESSAGE_BYTES * 4,
    }),
  initializeGameServer: (gameServer) => {
    gameServer.define("match", MatchRoom);
    // SIGTERM: stop taking new rooms here; rooms drain in their onBeforeShutdown.
    gameServer.onBeforeShutdown(() => nodeRegistry()?.drain());
    gameServer.onShutdown(() => nodeRegistry()?.stop());
  },
  initializeExpress: (app) => {
    mountHttpApi(app);
  },
  beforeListen: async () => {
    await startNodeRegistry(settings);
    logger.info({ backend: backend.kind, node: nodeRegistry()?.nodeId }, "node registered");
  },
});

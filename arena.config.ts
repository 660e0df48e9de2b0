import { matchMaker } from "@colyseus/core";
import config from "@colyseus/tools";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { LobbyRoom } from "./rooms/LobbyRoom";
import { MatchRoom } from "./rooms/MatchRoom";
import { SpectateRoom } from "./rooms/SpectateRoom";
import { Admission, installAdmission } from "./server/admission";
import { Auth } from "./server/auth/Auth";
import { loadConfig } from "./server/config";
import { Drain } from "./server/drain";
import { readiness } from "./server/health";
import { createBackend, storeReachable } from "./server/cluster/backend";
import { nodeRegistry, selectNodeForNewRoom, startNodeRegistry } from "./server/cluster";
import { LocalRooms } from "./server/cluster/LocalRooms";
import { onStoreBack } from "./server/cluster/storeBack";
import { logger } from "./server/logger";
import { mountHttpApi } from "./server/http";
import { InProcessConnectionLimiter, SharedConnectionLimiter } from "./server/limits/ConnectionLimiter";
import { limitMatchmakeBodies } from "./server/limits/matchmakeBodyLimit";
import { guardUpgrades } from "./server/limits/upgradeGuard";
import { mountWebPages } from "./server/webPages";

const settings = loadConfig();
const backend = createBackend(settings);
// With Redis, the per-IP cap holds across every node.
const connections = backend.presence
  ? new SharedConnectionLimiter(backend.presence, settings.ARENA_MAX_CONNECTIONS_PER_IP, () => matchMaker.processId)
  : new InProcessConnectionLimiter(settings.ARENA_MAX_CONNECTIONS_PER_IP);
const admission = new Admission(settings, new Auth(settings), connections);
const drain = new Drain();
// What this node writes into the store again when the store comes back.
const localRooms = new LocalRooms();

/**
 * Composition root: presence and driver (in-process, or Redis when REDIS_URL is
 * set), transport, rooms, HTTP API, browser pages, node registry and drain on SIGTERM.
 */
export default config({
  options: {
    presence: backend.presence,
    driver: backend.driver,
    publicAddress: settings.ARENA_PUBLIC_ADDRESS,
    // A spectator room reads its match in memory, so it is made on the match's node.
    selectProcessIdToCreateRoom: (roomName, options) => (roomName === "spectate" ? SpectateRoom.nodeFor(options) : selectNodeForNewRoom()),
    // Colyseus's greeting banner is noise in logs and tests.
    greet: false,
    // Colyseus's own messages (e.g. a frame it could not unpack) go through our structured logger.
    logger,
  },
  initializeTransport: (options) =>
    new WebSocketTransport({
      ...options,
      // Frames above this are refused by the socket layer before any room sees them (close 1009).
      maxPayload: settings.ARENA_MAX_MESSAGE_BYTES * 4,
      // Half-open sockets (a display whose network vanished) are dropped within (missed + 1) intervals.
      pingInterval: settings.ARENA_PING_INTERVAL_SECONDS * 1000,
      pingMaxRetries: settings.ARENA_PING_MAX_MISSED,
      // Seat and per-IP cap checked on the HTTP upgrade, before a socket or room object exists.
      verifyClient: guardUpgrades(admission.connections, settings.ARENA_TRUST_PROXY),
    }),
  initializeGameServer: (gameServer) => {
    // Rooms' static onAuth (matchmaking) reads the installed admission.
    installAdmission(admission);
    admission.auth.announceDevSecret();
    limitMatchmakeBodies(gameServer.transport.server!, settings.ARENA_MAX_HTTP_BODY_BYTES);
    localRooms.track(gameServer.define("match", MatchRoom));
    localRooms.track(gameServer.define("lobby", LobbyRoom));
    localRooms.track(gameServer.define("spectate", SpectateRoom).filterBy(["match"]));
    // SIGTERM: readiness fails and no new rooms come here; rooms drain in their onBeforeShutdown.
    gameServer.onBeforeShutdown(() => {
      drain.start();
      return nodeRegistry()?.drain();
    });
    gameServer.onShutdown(() => {
      drain.finish();
      nodeRegistry()?.stop();
    });
  },
  initializeExpress: async (app) => {
    mountHttpApi(app, admission, () => readiness(drain, () => storeReachable(backend)));
    if (settings.ARENA_WEB_PAGES) await mountWebPages(app);
  },
  beforeListen: async () => {
    const registry = await startNodeRegistry(settings, localRooms);
    if (connections instanceof SharedConnectionLimiter) registry.onDeadNode((id) => connections.forgetNode(id));
    onStoreBack(Object.values(backend.redis), () => registry.reregister());
    logger.info({ backend: backend.kind, node: nodeRegistry()?.nodeId }, "node registered");
  },
});

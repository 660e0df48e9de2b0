import { matchMaker } from "@colyseus/core";
import config from "@colyseus/tools";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { WebSocketServer } from "ws";
import type { ArenaContext } from "./rooms/ArenaContext";
import { withContext } from "./rooms/ArenaRoom";
import { MatchRoom } from "./rooms/MatchRoom";
import { SpectateRoom } from "./rooms/SpectateRoom";
import { Fanout } from "./rooms/fanout/Fanout";
import { StepCalendar } from "./server/runtime/StepCalendar";
import { channelStoreFor } from "./rooms/fanout";
import { LobbyRoom } from "./rooms/lobby/LobbyRoom";
import { BroadcastEncoder, signageSubscribers } from "./rooms/lobby/signage";
import { SignageChannels } from "./rooms/lobby/SignageChannels";
import { signageRoutes } from "./rooms/lobby/signageRoutes";
import { userRoutes } from "./rooms/user/userRoutes";
import { Admission } from "./server/admission";
import { Auth } from "./server/auth/Auth";
import { loadConfig } from "./server/config";
import { Drain } from "./server/drain";
import { readiness } from "./server/health";
import { createBackend, storeReachable } from "./server/cluster/backend";
import { startNodeRegistry } from "./server/cluster";
import { LocalRooms } from "./server/cluster/LocalRooms";
import type { NodeRegistry } from "./server/cluster/NodeRegistry";
import { onStoreBack } from "./server/cluster/storeBack";
import { logger } from "./server/logger";
import { mountHttpApi } from "./server/http";
import { InProcessConnectionLimiter, SharedConnectionLimiter } from "./server/limits/ConnectionLimiter";
import { SeatLimits } from "./server/limits/SeatLimits";
import { LoadShedder, SHED_WINDOW_MS } from "./server/limits/loadShedding";
import type { ConnectionScope } from "./server/cluster/keys";
import { limitMatchmakeBodies } from "./server/limits/matchmakeBodyLimit";
import { guardUpgrades } from "./server/limits/upgradeGuard";
import { guardReconnections } from "./server/limits/reconnectGuard";
import { ArenaMetrics } from "./server/metrics";
import { CountingRaws } from "./server/runtime/clientRaw";
import { Heartbeat } from "./server/runtime/Heartbeat";
import { createBroadcastSigner } from "./server/signing";
import { mountWebPages } from "./server/webPages";
import { startAdminServer } from "./server/adminServer";
import { CrossOrigin } from "./server/crossOrigin";
import { securityHeaders } from "./server/securityHeaders";

/**
 * Composition root: one Arena server from `env` (docs/operations.md lists every
 * variable). It builds the one context rooms and routes share (config,
 * admission, fan-out, broadcast signing), presence and driver (in-process, or
 * Redis when REDIS_URL is set), transport, rooms, HTTP API, browser pages, node
 * registry and the drain on SIGTERM. Nothing here lives in a module of its own:
 * each call is a server of its own (the tests boot several in one process).
 */
export function createArena(env: NodeJS.ProcessEnv = process.env) {
  const settings = loadConfig(env);
  const metrics = new ArenaMetrics();
  const backend = createBackend(settings);
  // With Redis, the per-address and per-identity caps hold across every node.
  const limiter = (scope: ConnectionScope, max: number) => backend.kind === "in-process"
    ? new InProcessConnectionLimiter(max)
    : new SharedConnectionLimiter(backend.presence, max, () => matchMaker.processId, scope);
  const perIdentity = settings.ARENA_MAX_CONNECTIONS_PER_IDENTITY;
  const seats = new SeatLimits(
    limiter("address", settings.ARENA_MAX_CONNECTIONS_PER_IP),
    settings.ARENA_MAX_CONNECTIONS_PER_IP,
    perIdentity > 0 ? limiter("identity", perIdentity) : undefined,
    perIdentity,
  );
  const ticks = new StepCalendar();
  const fanout = new Fanout(channelStoreFor(backend.presence, settings.ARENA_CHANNEL_BACKLOG), backend.presence, ticks, metrics.fanoutPublishes);
  const signageChannels = new SignageChannels(backend.presence, fanout, settings.ARENA_SIGNAGE_MAX_CHANNELS, settings.ARENA_SIGNAGE_IDLE_SECONDS);
  const context: ArenaContext = {
    config: settings,
    admission: new Admission(settings, new Auth(settings), seats, metrics),
    fanout,
    ticks,
    broadcasts: new BroadcastEncoder(createBroadcastSigner(settings)),
    signageChannels,
    metrics,
    raws: new CountingRaws(metrics.bytesSent, settings.ARENA_MAX_CLIENT_BUFFER_BYTES),
    loadShedder: new LoadShedder(settings.ARENA_SHED_LAG_MS, () => fanout.deliveries.oldestWaitMs()),
  };
  const drain = new Drain();
  // What this node writes into the store again when the store comes back.
  const localRooms = new LocalRooms();
  let registry: NodeRegistry | undefined;
  const signageGaugeSource = () => signageSubscribers(context.fanout);
  const isReady = () => readiness(drain, () => storeReachable(backend));
  /** What stops with the game server. */
  const shutdownHooks: Array<() => void> = [];

  return config({
    options: {
      presence: backend.presence,
      driver: backend.driver,
      publicAddress: settings.ARENA_PUBLIC_ADDRESS,
      // A spectator room reads its match in memory, so it is made on the match's node.
      selectProcessIdToCreateRoom: (roomName, options) =>
        roomName === "spectate" ? SpectateRoom.nodeFor(options) : registry?.selectNodeForNewRoom() ?? Promise.resolve(matchMaker.processId),
      // Colyseus's greeting banner is noise in logs and tests.
      greet: false,
      // Colyseus's own messages (e.g. a frame it could not unpack) go through our structured logger.
      logger,
    },
    initializeTransport: (options) => {
      const transport = new WebSocketTransport({
        ...options,
        // Frames above this are refused by the socket layer before any room sees them (close 1009).
        maxPayload: settings.ARENA_MAX_MESSAGE_BYTES * 4,
        // Liveness is Heartbeat's (below): the transport's own would ping every socket in one loop.
        pingInterval: 0,
        // Seat and per-IP cap checked on the HTTP upgrade, before a socket or room object exists.
        verifyClient: guardUpgrades(metrics),
      });
      // Half-open sockets (a display whose network vanished) are dropped within (missed + 1) intervals.
      const sockets = (transport as unknown as { wss: WebSocketServer }).wss;
      new Heartbeat(sockets, settings.ARENA_PING_INTERVAL_SECONDS * 1000, settings.ARENA_PING_MAX_MISSED).attach(transport.server!);
      return transport;
    },
    initializeGameServer: (gameServer) => {
      context.admission.auth.announceDevSecret();
      // Bodies are bounded before anything reads them, reconnections included.
      guardReconnections(gameServer.transport.server!, context.admission);
      limitMatchmakeBodies(gameServer.transport.server!, settings.ARENA_MAX_HTTP_BODY_BYTES);
      localRooms.track(gameServer.define("match", withContext(MatchRoom, context)));
      localRooms.track(gameServer.define("lobby", withContext(LobbyRoom, context)));
      localRooms.track(gameServer.define("spectate", withContext(SpectateRoom, context)).filterBy(["match"]));
      metrics.signageSubscriberSources.add(signageGaugeSource);
      const sweepEveryMs = signageChannels.sweepEveryMs;
      if (sweepEveryMs !== undefined) {
        const sweeper = setInterval(() => void signageChannels.sweep(), sweepEveryMs).unref();
        shutdownHooks.push(() => clearInterval(sweeper));
      }
      const { loadShedder } = context;
      if (loadShedder.enabled) {
        loadShedder.start();
        const judge = setInterval(() => loadShedder.judge(), SHED_WINDOW_MS).unref();
        shutdownHooks.push(() => (clearInterval(judge), loadShedder.stop()));
      }
      // SIGTERM: readiness fails and no new rooms come here; rooms drain in their onBeforeShutdown.
      gameServer.onBeforeShutdown(() => {
        drain.start();
        return registry?.drain();
      });
      gameServer.onShutdown(() => {
        drain.finish();
        registry?.stop();
        metrics.signageSubscriberSources.delete(signageGaugeSource);
        for (const stop of shutdownHooks) stop();
      });
    },
    initializeExpress: async (app) => {
      app.disable("x-powered-by");
      app.use(securityHeaders());
      new CrossOrigin(settings.ARENA_ALLOWED_ORIGINS).apply(app);
      mountHttpApi(app, {
        admission: context.admission,
        metrics,
        isReady,
        nodeRegistry: () => registry,
        routes: [signageRoutes(context), userRoutes(context)],
      });
      if (settings.ARENA_WEB_PAGES) await mountWebPages(app);
    },
    beforeListen: async () => {
      if (settings.ARENA_ADMIN_PORT !== undefined) {
        const admin = await startAdminServer(settings.ARENA_ADMIN_HOST, settings.ARENA_ADMIN_PORT, metrics, isReady);
        shutdownHooks.push(() => admin.close());
      }
      const started = await startNodeRegistry(settings, localRooms);
      registry = started;
      started.onDeadNode((id) => seats.forgetNode(id));
      onStoreBack(Object.values(backend.redis), () => started.reregister());
      logger.info({ backend: backend.kind, node: started.nodeId }, "node registered");
    },
  });
}

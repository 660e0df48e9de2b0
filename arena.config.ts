import config from "@colyseus/tools";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { MatchRoom } from "./rooms/MatchRoom";
import { mountHttpApi } from "./server/http";
import { loadConfig } from "./server/config";

const settings = loadConfig();

/** Composition root: transport, rooms, HTTP API. In-process presence and driver by default. */
export default config({
  options: {
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
  },
  initializeExpress: (app) => {
    mountHttpApi(app);
  },
});

import type { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getBearerToken, matchMaker } from "@colyseus/core";
import { ApiError } from "../ApiError";
import type { Admission } from "../admission";
import { clientIp } from "./clientIp";

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** What a room that holds seats for reconnection answers about them (ArenaRoom implements it). */
export interface SeatOwners {
  /** The identity (`sub`) whose seat `reconnectionToken` resumes, while the seat is held. */
  seatOwner(reconnectionToken: string): string | undefined;
}

const RECONNECT_PATH = /\/matchmake\/reconnect\/([a-zA-Z0-9_-]+)$/;

/**
 * Colyseus 0.16 hands a held seat to whoever presents its reconnection token:
 * its reconnect runs no onAuth and takes no identity. In front of its
 * matchmaking listener (call after the Colyseus Server exists, and before
 * limitMatchmakeBodies, which then runs first and bounds the body), a reconnect request is answered
 * here: admitted by `admission` (the matchmaking rate, a token of the identity
 * that held the seat, asked of the room on whichever node holds it), then
 * passed to Colyseus's own reconnect. Refusals use Colyseus's matchmaking
 * error shape, which colyseus.js raises as a MatchMakeError.
 */
export function guardReconnections(server: EventEmitter, admission: Admission): void {
  const listeners = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const roomId = req.method === "POST" ? req.url?.split("?")[0].match(RECONNECT_PATH)?.[1] : undefined;
    if (roomId === undefined) {
      for (const listener of listeners) listener.call(server, req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (res.headersSent) return; // refused as too large
      void reconnect(req, roomId, Buffer.concat(chunks), admission).then((answer) => {
        res.writeHead(200, { ...matchMaker.controller.DEFAULT_CORS_HEADERS, ...matchMaker.controller.getCorsHeaders(req), "Content-Type": "application/json" });
        res.end(JSON.stringify(answer));
      });
    });
  });
}

async function reconnect(req: IncomingMessage, roomId: string, body: Buffer, admission: Admission): Promise<unknown> {
  try {
    const options = JSON.parse(body.toString() || "{}") as { reconnectionToken?: unknown };
    const reconnectionToken = typeof options.reconnectionToken === "string" ? options.reconnectionToken : "";
    await admission.admitReconnection(getBearerToken(req.headers.authorization ?? ""), clientIp(req, admission.config.ARENA_TRUST_PROXY), async () => {
      // No such room: Colyseus's reconnect below says so (4212), as clients expect.
      if (!(await matchMaker.driver.findOne({ roomId }))) return undefined;
      return matchMaker.remoteRoomCall<string | undefined>(roomId, "seatOwner" satisfies keyof SeatOwners, [reconnectionToken]);
    });
    return await matchMaker.reconnect(roomId, options as Parameters<typeof matchMaker.reconnect>[1]);
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status, error: `${error.code}: ${error.message}` };
    if (error instanceof SyntaxError) return { code: 400, error: "invalid_request: the body is not JSON" };
    const { code, message } = error as { code?: number; message?: string };
    return { code, error: message };
  }
}

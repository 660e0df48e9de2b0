import type { Socket } from "node:net";
import type { IncomingMessage } from "node:http";
import { matchMaker } from "@colyseus/core";
import { ErrorCode, ERROR_STATUS } from "../../schema/codes";
import type { ArenaMetrics } from "../metrics";
import type { ConnectionLimiter } from "./ConnectionLimiter";
import { clientIp } from "./clientIp";

type VerifyCallback = (result: boolean, code?: number, message?: string) => void;

/**
 * The ws `verifyClient` hook: runs on the HTTP upgrade, before a WebSocket or
 * any room object exists. Refuses (plain HTTP status, no socket kept) an upgrade
 * that does not name a live seat reservation on this node, then one from an IP
 * already at its connection cap; an admitted connection is counted until its
 * socket closes.
 */
export function guardUpgrades(connections: ConnectionLimiter, trustProxy: boolean, { connectionsRefused }: ArenaMetrics) {
  return (info: { req: IncomingMessage }, done: VerifyCallback): void => {
    const { req } = info;
    // Same parsing as @colyseus/ws-transport's onConnection: /<processId>/<roomId>?sessionId=...
    const url = new URL(`ws://server/${req.url ?? ""}`);
    const roomId = url.pathname.match(/\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/)?.[1];
    const room = roomId ? matchMaker.getLocalRoomById(roomId) : undefined;
    const sessionId = url.searchParams.get("sessionId") ?? "";
    if (!room || !room.hasReservedSeat(sessionId, url.searchParams.get("reconnectionToken") ?? undefined)) {
      connectionsRefused.labels(ErrorCode.SEAT_INVALID).inc();
      return done(false, ERROR_STATUS[ErrorCode.SEAT_INVALID], ErrorCode.SEAT_INVALID);
    }
    const ip = clientIp(req, trustProxy);
    connections.tryAcquire(ip).then(
      (admitted) => {
        if (!admitted) {
          connectionsRefused.labels(ErrorCode.TOO_MANY_CONNECTIONS).inc();
          return done(false, ERROR_STATUS[ErrorCode.TOO_MANY_CONNECTIONS], ErrorCode.TOO_MANY_CONNECTIONS);
        }
        // A socket that closed while the (possibly remote) counter answered must not hold its count.
        if (req.socket.destroyed) return void connections.release(ip);
        releaseOnClose(req.socket, connections, ip);
        done(true);
      },
      () => done(false, ERROR_STATUS[ErrorCode.INTERNAL], ErrorCode.INTERNAL),
    );
  };
}

/**
 * Gives the connection's count back when its socket closes. A function of its
 * own so that the listener holds only `connections` and `ip`: a closure inside
 * the guard would hold `done`, and through it ws's whole upgrade (the request,
 * its headers, the first packet) for as long as the socket lives.
 */
function releaseOnClose(socket: Socket, connections: ConnectionLimiter, ip: string): void {
  socket.once("close", () => void connections.release(ip));
}

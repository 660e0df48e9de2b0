import type { IncomingMessage } from "node:http";
import { matchMaker } from "@colyseus/core";
import { ErrorCode, ERROR_STATUS } from "../../schema/codes";
import type { ArenaMetrics } from "../metrics";

type VerifyCallback = (result: boolean, code?: number, message?: string) => void;

/**
 * The ws `verifyClient` hook: runs on the HTTP upgrade, before a WebSocket or
 * any room object exists. Refuses (plain HTTP status, no socket kept) an upgrade
 * that does not name a live seat reservation on this node. The seat was counted
 * against its address and identity when it was reserved (SeatLimits), so the
 * connection that takes it up costs nothing more.
 */
export function guardUpgrades({ connectionsRefused }: ArenaMetrics) {
  return (info: { req: IncomingMessage }, done: VerifyCallback): void => {
    // Same parsing as @colyseus/ws-transport's onConnection: /<processId>/<roomId>?sessionId=...
    const url = new URL(`ws://server/${info.req.url ?? ""}`);
    const roomId = url.pathname.match(/\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/)?.[1];
    const room = roomId ? matchMaker.getLocalRoomById(roomId) : undefined;
    const sessionId = url.searchParams.get("sessionId") ?? "";
    if (!room || !room.hasReservedSeat(sessionId, url.searchParams.get("reconnectionToken") ?? undefined)) {
      connectionsRefused.labels(ErrorCode.SEAT_INVALID).inc();
      return done(false, ERROR_STATUS[ErrorCode.SEAT_INVALID], ErrorCode.SEAT_INVALID);
    }
    done(true);
  };
}

import type { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode, ERROR_STATUS } from "../../schema/codes";

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Colyseus 0.16 reads matchmaking bodies (POST .../matchmake/...) itself, ahead
 * of Express and with no size limit. This goes in front of it: a declared or
 * streamed body over `maxBytes` is answered 413 (in Colyseus's matchmaking error
 * shape `{code, error}`, which colyseus.js understands) and the connection closed.
 * Call it after the Colyseus Server exists (it installs its listener in its constructor).
 */
export function limitMatchmakeBodies(server: EventEmitter, maxBytes: number): void {
  const listeners = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && req.url?.includes("/matchmake/")) {
      if (Number(req.headers["content-length"] ?? 0) > maxBytes) return refuse(req, res, maxBytes);
      let received = 0;
      req.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes && !res.headersSent) refuse(req, res, maxBytes);
      });
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
}

function refuse(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  const status = ERROR_STATUS[ErrorCode.PAYLOAD_TOO_LARGE];
  res.writeHead(status, { "Content-Type": "application/json", Connection: "close" });
  res.end(JSON.stringify({ code: status, error: `${ErrorCode.PAYLOAD_TOO_LARGE}: matchmaking body over ${maxBytes} bytes` }), () => req.destroy());
}

import type { IncomingMessage, ServerResponse } from "node:http";
import express, { RequestHandler } from "express";
import { ErrorCode, ERROR_STATUS } from "../../schema/codes";

/**
 * The JSON body parser of the API's routes, placed after their rate limit and
 * role check so that neither a flood nor an unauthenticated caller gets a body
 * parsed. A body over `maxBytes`, declared or streamed, is answered 413 and its
 * connection closed as soon as it is seen: the parser alone would read a refused
 * body to its end (a chunked 50 MB body was read whole before its 413). Bodies
 * come uncompressed: any Content-Encoding is refused with 415 (a garbage deflate
 * body made the parser fail with a 500 and an error log per request).
 */
export function jsonBody(maxBytes: number): RequestHandler {
  const parse = express.json({ limit: maxBytes, inflate: false });
  return (req, res, next) => {
    if (Number(req.headers["content-length"] ?? 0) > maxBytes) return refuse(req, res, maxBytes);
    // Counted in the same tick as the parser starts reading: no chunk goes by unseen.
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) refuse(req, res, maxBytes);
    };
    req.on("data", count);
    req.once("end", () => req.off("data", count));
    parse(req, res, next);
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  if (res.headersSent) return void req.destroy();
  res.writeHead(ERROR_STATUS[ErrorCode.PAYLOAD_TOO_LARGE], { "Content-Type": "application/json", Connection: "close" });
  res.end(JSON.stringify({ error: { code: ErrorCode.PAYLOAD_TOO_LARGE, message: `body over ${maxBytes} bytes` } }), () => req.destroy());
}

import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { ErrorCode, ERROR_STATUS, HttpErrorCode } from "../schema/codes";
import { ApiError } from "./ApiError";
import { logger } from "./logger";

/** Every HTTP error body: `{error: {code, message}}` with the code's status. */
export function sendError(res: Response, code: HttpErrorCode, message: string): void {
  res.status(ERROR_STATUS[code]).json({ error: { code, message } });
}

/** 404 for any API path no route claimed. */
export const notFound: RequestHandler = (req, res) => {
  sendError(res, ErrorCode.NOT_FOUND, `no route ${req.method} ${req.baseUrl}${req.path}`);
};

/** Last in the chain: ApiErrors, body-parser refusals and anything unexpected become JSON errors. */
export const jsonErrors: ErrorRequestHandler = (error, req, res, next) => {
  // Already answered: a body refused as too large before it was read (server/limits/jsonBody.ts) is no error.
  if (res.headersSent) return req.destroyed ? undefined : next(error);
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) res.set("Retry-After", String(error.retryAfterSeconds));
    return sendError(res, error.code, error.message);
  }
  // body-parser marks its own errors with `type` and a 4xx `status`: the client's doing, a warning without a stack.
  const { type, status, message } = error as { type?: string; status?: number; message?: string };
  if (type !== undefined && status !== undefined && status >= 400 && status < 500) {
    logger.warn({ method: req.method, path: req.path, type }, "HTTP request body refused");
    if (type === "entity.too.large") return sendError(res, ErrorCode.PAYLOAD_TOO_LARGE, `body over ${(error as { limit: number }).limit} bytes`);
    if (type === "entity.parse.failed") return sendError(res, ErrorCode.INVALID_REQUEST, "body is not valid JSON");
    if (status === 415) return sendError(res, ErrorCode.UNSUPPORTED_ENCODING, `${message}: send the body as plain (uncompressed) UTF-8 JSON`);
    return sendError(res, ErrorCode.INVALID_REQUEST, `unreadable body: ${message}`);
  }
  logger.error({ err: error, method: req.method, path: req.path }, "unhandled HTTP error");
  sendError(res, ErrorCode.INTERNAL, "unexpected server error");
};

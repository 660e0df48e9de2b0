/**
 * Every code a client can be told, in one place. Close codes use the
 * application range 4000-4999 (Colyseus itself uses 4000, 4002, 4010, 4201-4202);
 * `reconnect` says whether a client should try again.
 */
export const CloseCode = {
  /** Repeated malformed or unknown messages. */
  PROTOCOL_VIOLATION: 4400,
  /** Kept sending past its message rate limit after being warned. */
  RATE_LIMITED: 4429,
  /** The match this seat belonged to is gone (disposed, node lost). */
  MATCH_GONE: 4410,
  /** Reported by the SDK: no endpoint got the player back into the seat within the grace window. */
  SEAT_LOST: 4408,
  /** The server hit an unexpected error handling this client. */
  INTERNAL_ERROR: 4500,
  /** The node is draining for shutdown; reconnect to be placed elsewhere. */
  SERVER_SHUTTING_DOWN: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const CLOSE_CODE_RECONNECT: Record<CloseCode, boolean> = {
  [CloseCode.PROTOCOL_VIOLATION]: false,
  [CloseCode.RATE_LIMITED]: true,
  [CloseCode.MATCH_GONE]: false,
  [CloseCode.SEAT_LOST]: false,
  [CloseCode.INTERNAL_ERROR]: true,
  [CloseCode.SERVER_SHUTTING_DOWN]: true,
};

/**
 * Codes of the `error` message, of HTTP error bodies `{error: {code, message}}`,
 * and the prefix of matchmaking error messages (`"<code>: <detail>"`).
 */
export const ErrorCode = {
  INVALID_MESSAGE: "invalid_message",
  UNKNOWN_TYPE: "unknown_type",
  STALE_INPUT: "stale_input",
  INPUT_QUEUE_FULL: "input_queue_full",
  RATE_LIMITED: "rate_limited",
  FORBIDDEN_CHANNEL: "forbidden_channel",
  UNKNOWN_RECIPIENT: "unknown_recipient",
  TEXT_TOO_LONG: "text_too_long",
  TOO_MANY_CHANNELS: "too_many_channels",
  MESSAGE_TOO_LARGE: "message_too_large",
  INTERNAL: "internal_error",
  /** No bearer token was presented. */
  TOKEN_MISSING: "token_missing",
  /** The token is malformed, forged (bad signature), or has the wrong issuer, audience or claims. */
  TOKEN_INVALID: "token_invalid",
  /** The token's `exp` has passed (beyond the allowed clock skew). */
  TOKEN_EXPIRED: "token_expired",
  /** A valid token whose role may not do this (e.g. a display joining a match). */
  ROLE_FORBIDDEN: "role_forbidden",
  /** Guest tokens are switched off on this server. */
  GUESTS_DISABLED: "guests_disabled",
  /** This IP already holds ARENA_MAX_CONNECTIONS_PER_IP connections. */
  TOO_MANY_CONNECTIONS: "too_many_connections",
  /** A WebSocket upgrade without a live seat reservation (the ticket matchmaking hands out). */
  SEAT_INVALID: "seat_invalid",
  /** An HTTP body over ARENA_MAX_HTTP_BODY_BYTES. */
  PAYLOAD_TOO_LARGE: "payload_too_large",
  /** An HTTP request whose body or parameters fail validation. */
  INVALID_REQUEST: "invalid_request",
  /** No such HTTP route or resource. */
  NOT_FOUND: "not_found",
  /**
   * The store behind channel numbering (Redis) cannot be reached: the message was not numbered, stored or
   * delivered. Retry after the `Retry-After` seconds (HTTP) or later (`error` in a room).
   */
  STORE_UNAVAILABLE: "store_unavailable",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * HTTP status of each code that HTTP routes or matchmaking can answer. Matchmaking
 * errors carry it as the numeric `code` colyseus.js puts on its MatchMakeError.
 */
export const ERROR_STATUS = {
  [ErrorCode.INVALID_REQUEST]: 400,
  [ErrorCode.TOKEN_MISSING]: 401,
  [ErrorCode.TOKEN_INVALID]: 401,
  [ErrorCode.TOKEN_EXPIRED]: 401,
  [ErrorCode.SEAT_INVALID]: 401,
  [ErrorCode.ROLE_FORBIDDEN]: 403,
  [ErrorCode.GUESTS_DISABLED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.TOO_MANY_CONNECTIONS]: 429,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.STORE_UNAVAILABLE]: 503,
} as const satisfies Partial<Record<ErrorCode, number>>;
export type HttpErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorMessage {
  code: ErrorCode;
  message: string;
}

/**
 * Every code a client can be told, in one place. Close codes by range (as
 * centrifuge's disconnect.go): 1000-1999 the WebSocket layer's (RFC 6455),
 * 4000-4099 Colyseus's, 4400-4499 Arena's about the client or its seat,
 * 4500-4599 Arena's about the server. `CLOSE_CODES` says for each whether a
 * client should reconnect, and whether the client caused it (then no seat is
 * held for a reconnection).
 */
export const CloseCode = {
  /** WebSocket: the endpoint got a frame breaking the protocol. */
  WS_PROTOCOL_ERROR: 1002,
  /** WebSocket: no close frame at all (network drop, dead node, or an upgrade refused with an HTTP status). */
  WS_ABNORMAL: 1006,
  /** WebSocket: data of a type the endpoint does not accept. */
  WS_UNSUPPORTED_DATA: 1003,
  /** WebSocket: a text frame that is not UTF-8. */
  WS_INVALID_PAYLOAD: 1007,
  /** WebSocket: a message breaking the endpoint's policy. */
  WS_POLICY_VIOLATION: 1008,
  /** WebSocket: a frame over 4 x ARENA_MAX_MESSAGE_BYTES, cut by the socket layer before any room sees it. */
  WS_MESSAGE_TOO_BIG: 1009,
  /** Colyseus: the client left (`room.leave()`). */
  CONSENTED: 4000,
  /** Colyseus: a message whose msgpack payload cannot be unpacked. */
  UNDECODABLE: 4002,
  /** Repeated malformed or unknown messages. */
  PROTOCOL_VIOLATION: 4400,
  /** Reported by the SDK: no endpoint got the player back into the seat within the grace window. */
  SEAT_LOST: 4408,
  /** The match this seat belonged to is gone (disposed, node lost). */
  MATCH_GONE: 4410,
  /**
   * The client did not read what it was sent: more than ARENA_MAX_CLIENT_BUFFER_BYTES waited unsent.
   * The socket is destroyed a second after the close frame, so a stalled client may see 1006 instead.
   */
  SLOW_CONSUMER: 4413,
  /** Kept sending past its message rate limit after being warned. */
  RATE_LIMITED: 4429,
  /** The server hit an unexpected error handling this client. */
  INTERNAL_ERROR: 4500,
  /** The node is draining for shutdown; reconnect to be placed elsewhere. */
  SERVER_SHUTTING_DOWN: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export interface CloseCodeMeaning {
  /** Whether a client should connect again (after backoff). */
  reconnect: boolean;
  /** Closed for what the client sent: the server holds no seat for a reconnection. */
  clientCaused: boolean;
}

export const CLOSE_CODES: Record<CloseCode, CloseCodeMeaning> = {
  [CloseCode.WS_PROTOCOL_ERROR]: { reconnect: false, clientCaused: true },
  [CloseCode.WS_ABNORMAL]: { reconnect: true, clientCaused: false },
  [CloseCode.WS_UNSUPPORTED_DATA]: { reconnect: false, clientCaused: true },
  [CloseCode.WS_INVALID_PAYLOAD]: { reconnect: false, clientCaused: true },
  [CloseCode.WS_POLICY_VIOLATION]: { reconnect: false, clientCaused: true },
  [CloseCode.WS_MESSAGE_TOO_BIG]: { reconnect: false, clientCaused: true },
  [CloseCode.CONSENTED]: { reconnect: false, clientCaused: false },
  [CloseCode.UNDECODABLE]: { reconnect: false, clientCaused: true },
  [CloseCode.PROTOCOL_VIOLATION]: { reconnect: false, clientCaused: true },
  [CloseCode.SEAT_LOST]: { reconnect: false, clientCaused: false },
  [CloseCode.MATCH_GONE]: { reconnect: false, clientCaused: false },
  [CloseCode.SLOW_CONSUMER]: { reconnect: true, clientCaused: true },
  [CloseCode.RATE_LIMITED]: { reconnect: true, clientCaused: true },
  [CloseCode.INTERNAL_ERROR]: { reconnect: true, clientCaused: false },
  [CloseCode.SERVER_SHUTTING_DOWN]: { reconnect: true, clientCaused: false },
};

/** What a close code means; an unknown one is taken as the network's doing (reconnect). */
export function closeCodeMeaning(code: number): CloseCodeMeaning {
  return CLOSE_CODES[code as CloseCode] ?? CLOSE_CODES[CloseCode.WS_ABNORMAL];
}

/** Codes of Colyseus matchmaking errors (`MatchMakeError.code`) that clients act on. */
export const MatchmakeErrorCode = {
  /** No such room: disposed, or its node died and was cleaned up (also while a returning Redis is re-registered). */
  ROOM_GONE: 4212,
} as const;

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
  /** A reconnection to a seat held for another identity (or a token of none): the seat is not taken. */
  RECONNECT_FORBIDDEN: "reconnect_forbidden",
  /** An HTTP body over ARENA_MAX_HTTP_BODY_BYTES. */
  PAYLOAD_TOO_LARGE: "payload_too_large",
  /** An HTTP body with a Content-Encoding or charset other than plain UTF-8. */
  UNSUPPORTED_ENCODING: "unsupported_encoding",
  /** An HTTP request whose body or parameters fail validation. */
  INVALID_REQUEST: "invalid_request",
  /** No such HTTP route or resource. */
  NOT_FOUND: "not_found",
  /**
   * The store behind channel numbering (Redis) cannot be reached: the message was not numbered, stored or
   * delivered. Retry after the `Retry-After` seconds (HTTP) or later (`error` in a room).
   */
  STORE_UNAVAILABLE: "store_unavailable",
  /**
   * The node is past its capacity (its event loop runs ARENA_SHED_LAG_MS or more late): the publish was
   * refused before anything was read or numbered. Retry after the `Retry-After` seconds.
   */
  OVERLOADED: "overloaded",
  /**
   * An `Idempotency-Key` already used by this identity on this route with another request (method, path or
   * body): nothing was published. Use a new key for a new message.
   */
  IDEMPOTENCY_CONFLICT: "idempotency_conflict",
  /**
   * The first request with this `Idempotency-Key` is still being published: nothing was published again.
   * Retry after the `Retry-After` seconds to get its answer.
   */
  IDEMPOTENCY_IN_PROGRESS: "idempotency_in_progress",
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
  [ErrorCode.FORBIDDEN_CHANNEL]: 403,
  [ErrorCode.RECONNECT_FORBIDDEN]: 403,
  [ErrorCode.TOO_MANY_CHANNELS]: 403,
  [ErrorCode.GUESTS_DISABLED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.IDEMPOTENCY_CONFLICT]: 409,
  [ErrorCode.IDEMPOTENCY_IN_PROGRESS]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_ENCODING]: 415,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.TOO_MANY_CONNECTIONS]: 429,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.STORE_UNAVAILABLE]: 503,
  [ErrorCode.OVERLOADED]: 503,
} as const satisfies Partial<Record<ErrorCode, number>>;
export type HttpErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorMessage {
  code: ErrorCode;
  message: string;
}

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
  [CloseCode.INTERNAL_ERROR]: true,
  [CloseCode.SERVER_SHUTTING_DOWN]: true,
};

/** Codes of the `error` message (and of HTTP error bodies). */
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
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorMessage {
  code: ErrorCode;
  message: string;
}

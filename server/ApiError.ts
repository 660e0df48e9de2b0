import { ERROR_STATUS, HttpErrorCode } from "../schema/codes";

/**
 * A refusal with a code from schema/codes.ts. HTTP routes answer it as
 * `{error: {code, message}}` with the code's status; matchmaking (onAuth) as a
 * Colyseus error whose numeric code is that status and whose message starts with the code.
 */
export class ApiError extends Error {
  constructor(readonly code: HttpErrorCode, message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = "ApiError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

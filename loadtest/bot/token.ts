import { signToken } from "../../server/auth/Auth";
import type { Role } from "../../server/auth/identity";

/**
 * A bot's bearer token, signed like Arena's own (HS256) with the secret the
 * Arena server under test was started with: for identity `sub` when given
 * (every device of one user presents the same one), else a fresh one. The
 * peers ignore tokens.
 */
export function botToken(secret: string, role: Role, name: string, sub?: string): Promise<string> {
  return signToken(new TextEncoder().encode(secret), { name, role, sub }, 24 * 3600, {});
}

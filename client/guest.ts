import { arenaFetch } from "./http";

/**
 * A guest token from `POST /api/auth/guest` (when the server has guests on):
 * `player` joins matches, `display` shows signage. Throws ArenaHttpError,
 * e.g. `guests_disabled` or `rate_limited`.
 */
export async function guest(endpoint: string, name: string, role: "player" | "display" = "player"): Promise<string> {
  const { token } = await arenaFetch<{ token: string }>(`${endpoint}/api/auth/guest`, { body: { name, role } });
  return token;
}

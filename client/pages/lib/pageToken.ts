import { guest } from "../../guest";
import { tokenClaims } from "../../tokenClaims";

const MIN_LIFE_SECONDS = 60;

/**
 * A guest token for this tab: kept in sessionStorage (per tab, gone with it)
 * and reused while it has the same name and more than a minute to live, so a
 * reload neither asks the server again nor changes who the player is.
 */
export async function pageToken(role: "player" | "display", name: string): Promise<string> {
  const key = `arena-guest-${role}`;
  const kept = sessionStorage.getItem(key);
  if (kept) {
    const { name: keptName, exp } = tokenClaims(kept);
    if (keptName === name && (exp ?? 0) - MIN_LIFE_SECONDS > Date.now() / 1000) return kept;
  }
  const token = await guest(location.origin, name, role);
  sessionStorage.setItem(key, token);
  return token;
}

/** `?name=`, else this tab's earlier guest name, else a new `guest-NNNN`. */
export function guestName(): string {
  const chosen = new URLSearchParams(location.search).get("name")?.trim();
  if (chosen) return chosen.slice(0, 24);
  const kept = sessionStorage.getItem("arena-guest-name");
  if (kept) return kept;
  const made = `guest-${Math.floor(1000 + Math.random() * 9000)}`;
  sessionStorage.setItem("arena-guest-name", made);
  return made;
}

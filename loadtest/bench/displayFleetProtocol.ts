/** How the benchmark talks to a display fleet child process (Node IPC). */

/** Displays of one node: they join lobby `roomId` (Arena) or subscribe on the peer at `endpoint`. */
export interface DisplayGroup {
  node: string;
  endpoint: string;
  /** Arena: the lobby room on this node. */
  roomId?: string;
  count: number;
}

export interface DisplayFleetConfig {
  protocol: "colyseus" | "ws";
  /** Arena: the HS256 secret each display signs its own `display` token with. */
  secret?: string;
  channel: string;
  groups: DisplayGroup[];
  /** Index of this fleet's first display (names and token subjects). */
  firstIndex: number;
  /** Joins in flight at once. */
  concurrency: number;
  /** Displays that join and leave first on each group's node, before the harness reads memory. */
  warmup: number;
}

/**
 * `connect`: join displays until each group holds `share` (0-1] of its count (floor), so the harness can
 * read memory between two connects: the second share's cost is what a display adds, without one-time costs.
 */
export type ToDisplayFleet = { type: "connect"; share: number } | { type: "report" } | { type: "stop" };

/** Displays of a group with `count` in all that are joined once a connect of `share` is done. */
export const joinedAtShare = (count: number, share: number) => Math.floor(count * share);

export interface DisplayGroupResult {
  node: string;
  displays: number;
  /** latenciesMs[n - 1]: fan-out latency (ms) of measured publish n at each display that got it. */
  latenciesMs: number[][];
  duplicates: number;
  disconnects: number;
}

export type FromDisplayFleet =
  /** The warm-up displays joined and left. */
  | { type: "warmed" }
  /** `seconds`: from the connect's first join request to its last display joined; `displays`: joined so far. */
  | { type: "connected"; displays: number; seconds: number }
  /** Every 250 ms: displays connected so far, or measured receipts once connected. */
  | { type: "progress"; connected: number; receipts: number }
  | { type: "result"; groups: DisplayGroupResult[] }
  | { type: "failed"; error: string };

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
  /** Displays that join and leave first (on the first group's node), before the harness reads idle RSS. */
  warmup: number;
}

/** `connect`: the harness has read the idle RSS; join every display. */
export type ToDisplayFleet = { type: "connect" } | { type: "report" } | { type: "stop" };

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
  /** `seconds`: from this fleet's first join request to its last display joined. */
  | { type: "connected"; displays: number; seconds: number }
  /** Every 250 ms: displays connected so far, or measured receipts once connected. */
  | { type: "progress"; connected: number; receipts: number }
  | { type: "result"; groups: DisplayGroupResult[] }
  | { type: "failed"; error: string };

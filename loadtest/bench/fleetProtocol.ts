import type { FireMode } from "../bot/intentions";
import type { LatencySummary } from "../bot/summary";
import type { BotProtocol } from "./targets";

/** How the benchmark talks to its bot fleet child process (Node IPC). */
export interface FleetConfig {
  protocol: BotProtocol;
  /** Where bots ask for a seat, in turn (a load balancer's round robin); the room may be on another node. */
  endpoints: string[];
  bots: number;
  /** Arena: the HS256 secret each bot signs its own `player` token with. */
  secret?: string;
  fireMode: FireMode;
}

export type ToFleet = { type: "measure" } | { type: "report" } | { type: "stop" };

export interface FleetResult {
  clients: number;
  windowSeconds: number;
  latency: LatencySummary;
  /** Each bot's own median input->state latency (ms), ascending: shows whether some players lag more. */
  botMedians: number[];
  states: number;
  bytes: number;
  /** `error` messages received: inputs the server refused. */
  errors: number;
  /** Bots whose connection closed before the end of the window. */
  disconnects: number;
  /** Matches (distinct rooms the bots play in) on each node, by host:port; empty where the protocol has no rooms. */
  matchesByNode: Record<string, number>;
}

export type FromFleet =
  | { type: "connected"; bots: number }
  /** latencyP50 over the last second; null when no input was acknowledged in it. */
  | { type: "progress"; connected: number; latencyP50: number | null }
  | { type: "result"; result: FleetResult }
  | { type: "failed"; error: string };

import type { PlayerInput } from "../../../schema/input";

/** The JSON peer's wire messages: one JSON text frame each. */
export type JsonServerMessage =
  | { type: "welcome"; id: string }
  | { type: "state"; state: JsonMatchState }
  | { type: "error"; code: string };

export type JsonClientMessage = { type: "input" } & PlayerInput;

export interface JsonPlayer {
  name: string;
  team: string;
  x: number;
  y: number;
  angle: number;
  hp: number;
  ack: number;
  connected: boolean;
  kills: number;
  deaths: number;
}

export interface JsonMatchState {
  players: Record<string, JsonPlayer>;
  phase: string;
  redScore: number;
  blueScore: number;
  timeLeft: number;
  winner: string;
}

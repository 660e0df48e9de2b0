import type { Phase } from "./match";

/** A match's entry in the lobby listing (`rooms`, `+`): its `metadata`, updated when a count or the phase changes. */
export interface MatchListingMetadata {
  red: number;
  blue: number;
  phase: Phase;
  /** ms since epoch when the phase ends (0 while waiting). */
  phaseEndsAt: number;
  /** The node (Colyseus processId) the match runs on. */
  node: string;
}

import type { Team } from "../../schema/match";
import { TEAM_SIZE } from "./rules";

export type TeamCounts = Record<Team, number>;

/**
 * The requested team while it has a free seat, otherwise the smaller team
 * (red on a tie). null when both are full.
 */
export function pickTeam(counts: TeamCounts, requested?: Team): Team | null {
  if (requested && counts[requested] < TEAM_SIZE) return requested;
  const smaller: Team = counts.blue < counts.red ? "blue" : "red";
  if (counts[smaller] < TEAM_SIZE) return smaller;
  return null;
}

/** The team that should give a player away, when the gap is 2 or more. */
export function overfullTeam(counts: TeamCounts): Team | null {
  if (counts.red - counts.blue >= 2) return "red";
  if (counts.blue - counts.red >= 2) return "blue";
  return null;
}

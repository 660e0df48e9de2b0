/**
 * The game's constants and the tunables a studio may change per deployment.
 * Pure data: shared by the server's simulation and the client's prediction.
 */

import type { Team } from "../../schema/match";

export const TICK_RATE = 60;
export const TICK_SECONDS = 1 / TICK_RATE;

/** Default lag-compensation bound: how far back a shot may be judged. */
export const DEFAULT_REWIND_MS = 250;

export const TEAM_SIZE = 6;

export interface Rect { x: number; y: number; w: number; h: number }

/** World units; the origin is the top-left corner, y grows downwards. */
export const ARENA = {
  width: 1600,
  height: 900,
  playerRadius: 16,
  /** Four pillars and a centre wall: cover to fight around. */
  obstacles: [
    { x: 380, y: 180, w: 80, h: 160 },
    { x: 380, y: 560, w: 80, h: 160 },
    { x: 1140, y: 180, w: 80, h: 160 },
    { x: 1140, y: 560, w: 80, h: 160 },
    { x: 760, y: 360, w: 80, h: 180 },
  ] as readonly Rect[],
} as const;

export const COMBAT = {
  maxHp: 100,
  /** World units per second at full stick deflection. */
  maxSpeed: 220,
  fireCooldownSeconds: 0.25,
  damage: 25,
  range: 900,
  magazine: 10,
  /** An empty magazine refills by itself after this long. */
  reloadSeconds: 1.5,
} as const;

export interface MatchTimings {
  countdownSeconds: number;
  roundSeconds: number;
  endedSeconds: number;
  respawnSeconds: number;
}

export const DEFAULT_TIMINGS: MatchTimings = {
  countdownSeconds: 3,
  roundSeconds: 180,
  endedSeconds: 5,
  respawnSeconds: 2,
};

/** Spawn points per team, one per seat, on the team's own side. */
export function spawnPoint(team: Team, seat: number): { x: number; y: number } {
  const x = team === "red" ? 120 : ARENA.width - 120;
  const y = 150 + (seat % TEAM_SIZE) * 120;
  return { x, y };
}

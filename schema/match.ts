/** The match's enumerations as they travel: a player's `team`, the match's `phase`, join options, listings. */
export type Team = "red" | "blue";
export const TEAMS: readonly Team[] = ["red", "blue"];
export type Phase = "waiting" | "countdown" | "live" | "ended";

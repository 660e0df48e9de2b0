import type { Team } from "../../schema/match";

/**
 * Every channel name and presence key the fan-out uses is built here, never at
 * call sites. A channel *name* is what clients see (`team-red`); a channel *key*
 * is globally unique across rooms and nodes (`match:<roomId>/team-red`).
 */
export const ALL_CHANNEL = "all";
export const teamChannel = (team: Team): string => `team-${team}`;
export const playerChannel = (sessionId: string): string => `player-${sessionId}`;

export const matchChannelKey = (roomId: string, name: string): string => `match:${roomId}/${name}`;
const SIGNAGE_PREFIX = "signage/";
export const signageChannelKey = (name: string): string => `${SIGNAGE_PREFIX}${name}`;
/** The signage channel name of a key, or undefined for other channels. */
export const signageChannelOf = (key: string): string | undefined =>
  key.startsWith(SIGNAGE_PREFIX) ? key.slice(SIGNAGE_PREFIX.length) : undefined;
/** The user channel of identity `sub` (its token's subject), as clients see it. */
export const userChannel = (sub: string): string => `user-${sub}`;
const USER_PREFIX = "user:";
export const userChannelKey = (sub: string): string => `${USER_PREFIX}${sub}`;
/** The user channel (as clients see it) of a key, or undefined for other channels. */
export const userChannelOf = (key: string): string | undefined =>
  key.startsWith(USER_PREFIX) ? userChannel(key.slice(USER_PREFIX.length)) : undefined;
/** Hash of the signage channels in use, each with the time of its last publish (rooms/lobby/SignageChannels.ts). */
export const SIGNAGE_CHANNELS_KEY = "arena:signage:channels";
/** Where displays' `request-sync` reaches the operators watching a signage channel. */
export const signageSyncKey = (name: string): string => `signage-sync/${name}`;

export const presenceTopic = (key: string): string => `arena:fanout:${key}`;
// A channel's head and backlog share a hash tag, so on Redis Cluster one script can update both.
/** Hash of a channel's numbering: `epoch` and the last `seq`. */
export const channelHeadKey = (key: string): string => `arena:ch:{${key}}:head`;
/** Sorted set of a channel's stored messages, scored by seq. */
export const channelLogKey = (key: string): string => `arena:ch:{${key}}:log`;

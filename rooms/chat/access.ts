import type { Team } from "../../schema/match";
import { ErrorCode } from "../../schema/codes";
import { ALL_CHANNEL, playerChannel, teamChannel } from "../fanout/keys";

/** Who is reading or posting, as far as match channels care. */
export interface ChannelMember {
  /** The member's sessionId. */
  id: string;
  team: Team;
}

/** The channels a match member reads: everyone's, its team's, its own direct channel. Nothing else. */
export function readableChannels(member: ChannelMember): string[] {
  return [ALL_CHANNEL, teamChannel(member.team), playerChannel(member.id)];
}

export type PostTarget =
  | { ok: true; channel: string; to?: string }
  | { ok: false; code: ErrorCode; message: string };

/**
 * Where a member may post. `channel` is "all", "team" (own team), "player" with
 * `to`, or an explicit channel name; another team's channel is refused, and a
 * direct message must name another player of the same match.
 */
export function resolvePost(
  member: ChannelMember,
  request: { channel: string; to?: string },
  isPlayer: (sessionId: string) => boolean,
): PostTarget {
  const { channel } = request;
  if (channel === ALL_CHANNEL) return { ok: true, channel: ALL_CHANNEL };
  if (channel === "team" || channel === teamChannel(member.team)) return { ok: true, channel: teamChannel(member.team) };
  const to = channel === "player" ? request.to : channel.startsWith("player-") ? channel.slice("player-".length) : undefined;
  if (to === undefined) return { ok: false, code: ErrorCode.FORBIDDEN_CHANNEL, message: `you may not post to ${JSON.stringify(channel)}` };
  if (to === member.id || !isPlayer(to)) {
    return { ok: false, code: ErrorCode.UNKNOWN_RECIPIENT, message: "direct messages go to another player of this match" };
  }
  return { ok: true, channel: playerChannel(to), to };
}

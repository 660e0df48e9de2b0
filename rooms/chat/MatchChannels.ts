import { ErrorCode, ErrorMessage } from "../../schema/codes";
import { TEAMS } from "../../schema/match";
import { ChatMessage, describeIssues, ResumeMessage } from "../../schema/messages";
import { ChatDelivery, GapNotice, ResetNotice, ServerMessageType, TypingNotice } from "../../schema/serverMessages";
import { ApiError } from "../../server/ApiError";
import { logger } from "../../server/logger";
import type { RelayRecorder } from "../../server/metrics";
import type { Fanout, FanoutMessage } from "../fanout/Fanout";
import { Audiences, SessionWriter } from "../fanout/Audiences";
import type { AudienceOutput } from "../fanout/ChannelAudience";
import { ALL_CHANNEL, matchChannelKey, playerChannel, teamChannel } from "../fanout/keys";
import { roomMessageBytes } from "../../server/runtime/roomMessage";
import { ChannelMember, readableChannels, resolvePost } from "./access";
import { cleanChatText } from "./chatText";

/** What a match channel message carries in the fan-out. */
export interface ChatPayload {
  channel: string;
  /** Sender's sessionId, or "server" for notices. */
  from: string;
  name: string;
  to?: string;
  text: string;
}


export const SERVER_SENDER = "server";

const log = logger.child({ subsystem: "chat" });

/** A chat member with the name shown to the others. */
export interface ChatSender extends ChannelMember {
  name: string;
}

/** Why a player's chat message was not posted: what the room answers with `error`. */
export interface ChatRefusal {
  code: ErrorCode;
  message: string;
}

export interface ChatLimits {
  maxLength: number;
  /** At most one typing notice per player per window. */
  typingDebounceMs: number;
}

/**
 * A match's channels on the fan-out: one audience per channel (all, each team,
 * each player's direct channel) whose members are the players who may read it,
 * paused while a player is disconnected and resumed after the seqs it reports.
 */
export class MatchChannels {
  /** The channel names each player reads. */
  private readonly readable = new Map<string, Set<string>>();
  private readonly audiences: Audiences;
  private readonly lastTypingMs = new Map<string, number>();

  constructor(
    private readonly fanout: Fanout,
    private readonly roomId: string,
    private readonly limits: ChatLimits,
    private readonly sessions: SessionWriter,
    private readonly relays: RelayRecorder,
  ) {
    const prefix = matchChannelKey(roomId, "").length;
    this.audiences = new Audiences(fanout, (key) => this.output(key.slice(prefix)));
  }

  join(member: ChannelMember): void {
    this.readable.set(member.id, new Set());
    for (const name of readableChannels(member)) this.read(member.id, name);
  }

  /** Moves a member's team channel after a rebalance. */
  changeTeam(member: ChannelMember): void {
    const names = this.readable.get(member.id);
    if (!names) return;
    for (const team of TEAMS) {
      if (names.delete(teamChannel(team))) this.audiences.leave(this.key(teamChannel(team)), member.id);
    }
    this.read(member.id, teamChannel(member.team));
  }

  pause(sessionId: string): void {
    for (const name of this.readable.get(sessionId) ?? []) this.audiences.pause(this.key(name), sessionId);
  }

  /** Replays what the member missed: after the seqs it reports, else after what the server last sent it. */
  async resume(sessionId: string, lastSeen?: ResumeMessage): Promise<void> {
    await Promise.all([...(this.readable.get(sessionId) ?? [])].map((name) => {
      const seq = lastSeen?.channels[name];
      return this.audiences.resume(this.key(name), sessionId, seq === undefined ? undefined : { epoch: lastSeen?.epochs?.[name], seq });
    }));
  }

  async remove(sessionId: string): Promise<void> {
    for (const name of this.readable.get(sessionId) ?? []) this.audiences.leave(this.key(name), sessionId);
    this.readable.delete(sessionId);
    this.lastTypingMs.delete(sessionId);
    await this.drop(playerChannel(sessionId));
  }

  /**
   * A player's `chat` message: checked (shape, where it may post, its text) and
   * posted; otherwise why not. `isPlayer`: whether a direct message may go to that sessionId.
   */
  chat(sender: ChatSender, message: unknown, isPlayer: (sessionId: string) => boolean): ChatRefusal | undefined {
    const parsed = ChatMessage.safeParse(message);
    if (!parsed.success) return { code: ErrorCode.INVALID_MESSAGE, message: `chat refused: ${describeIssues(parsed.error)}` };
    const target = resolvePost(sender, parsed.data, isPlayer);
    if (!target.ok) return target;
    const text = cleanChatText(parsed.data.text, this.limits.maxLength);
    if (!text.ok) {
      return text.reason === "too_long"
        ? { code: ErrorCode.TEXT_TOO_LONG, message: `chat text is limited to ${this.limits.maxLength} characters` }
        : { code: ErrorCode.INVALID_MESSAGE, message: "chat text is empty" };
    }
    this.post(target.channel, { from: sender.id, name: sender.name, to: target.to, text: text.text }).catch((error) => {
      // Not numbered, so delivered to nobody: the sender hears it and may send again.
      if (!(error instanceof ApiError)) return log.error({ err: error, channel: target.channel }, "chat not posted");
      const refusal: ErrorMessage = { code: error.code, message: `chat not sent: ${error.message}` };
      this.sessions.send(sender.id, ServerMessageType.ERROR, refusal);
    });
    return undefined;
  }

  /** A typing indicator for the sender's team, at most one per debounce window per player, never stored. */
  typing(sender: ChatSender, nowMs: number): void {
    if (nowMs - (this.lastTypingMs.get(sender.id) ?? -Infinity) < this.limits.typingDebounceMs) return;
    this.lastTypingMs.set(sender.id, nowMs);
    const notice: TypingNotice = { channel: teamChannel(sender.team), from: sender.id, name: sender.name };
    this.fanout.ephemeral(this.key(teamChannel(sender.team)), notice);
  }

  post(channel: string, payload: Omit<ChatPayload, "channel">): Promise<FanoutMessage> {
    return this.fanout.publish<ChatPayload>(this.key(channel), { channel, ...payload });
  }

  /** A server notice on a channel (kill feed, departures); while the store is unreachable it is logged instead. */
  async notice(channel: string, text: string): Promise<void> {
    await this.post(channel, { from: SERVER_SENDER, name: "server", text }).catch((err) => log.warn({ err, channel, text }, "notice not posted"));
  }

  /** Forgets the match's channels; while the store is unreachable they are left to it (logged). */
  async dispose(): Promise<void> {
    const players = [...this.readable.keys()];
    await Promise.all(players.map((id) => this.remove(id)));
    this.audiences.close();
    await Promise.all([ALL_CHANNEL, ...TEAMS.map(teamChannel)].map((name) => this.drop(name)));
  }

  private drop(name: string): Promise<void> {
    return this.fanout.drop(this.key(name)).catch((err) => log.warn({ err, channel: name }, "channel not dropped"));
  }

  private key(name: string): string {
    return matchChannelKey(this.roomId, name);
  }

  private read(sessionId: string, name: string): void {
    this.readable.get(sessionId)!.add(name);
    void this.audiences.join(this.key(name), sessionId, "latest");
  }

  /** How channel `name`'s messages reach its readers: chat encoded once per message, typing to all but the typist. */
  private output(name: string): AudienceOutput {
    const typeOf = (m: FanoutMessage) => (m.seq === 0 ? ServerMessageType.TYPING : ServerMessageType.CHAT);
    return {
      encode: (m) => {
        if (m.seq === 0) return roomMessageBytes(ServerMessageType.TYPING, m.payload as TypingNotice);
        const payload = m.payload as ChatPayload;
        const delivery: ChatDelivery = { id: `${payload.channel}:${m.epoch}:${m.seq}`, epoch: m.epoch, seq: m.seq, ts: m.ts, ...payload };
        return roomMessageBytes(ServerMessageType.CHAT, delivery);
      },
      wants: (sessionId, m) => m.seq !== 0 || (m.payload as TypingNotice).from !== sessionId,
      write: (sessionId, bytes, m) => this.sessions.sendEncoded(sessionId, typeOf(m), bytes),
      whenWritable: (sessionId) => this.sessions.whenWritable(sessionId),
      gap: (sessionId, after) => this.sessions.send(sessionId, ServerMessageType.GAP, { channel: name, after } satisfies GapNotice),
      reset: (sessionId, epoch) => this.sessions.send(sessionId, ServerMessageType.RESET, { channel: name, epoch } satisfies ResetNotice),
      delivered: (m, count) => {
        if (m.seq !== 0) this.relays.record(m.ts, count);
      },
    };
  }
}

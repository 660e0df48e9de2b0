import { ErrorCode, ErrorMessage } from "../../schema/codes";
import { TEAMS } from "../../schema/match";
import { ChatMessage, describeIssues, ResumeMessage } from "../../schema/messages";
import { ChatDelivery, GapNotice, ResetNotice, ServerMessageType, TypingNotice } from "../../schema/serverMessages";
import { ApiError } from "../../server/ApiError";
import { logger } from "../../server/logger";
import type { RelayRecorder } from "../../server/metrics";
import type { Fanout, FanoutMessage } from "../fanout/Fanout";
import { Subscription } from "../fanout/Subscription";
import { ALL_CHANNEL, matchChannelKey, playerChannel, teamChannel } from "../fanout/keys";
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

type Send = (sessionId: string, type: string, message: unknown) => void;

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
 * A match's channels on the fan-out: each player holds one Subscription per
 * readable channel (all, own team, own direct channel), paused while it is
 * disconnected and resumed after the seqs it reports.
 */
export class MatchChannels {
  private readonly subscriptions = new Map<string, Map<string, Subscription>>();
  private readonly lastTypingMs = new Map<string, number>();

  constructor(
    private readonly fanout: Fanout,
    private readonly roomId: string,
    private readonly limits: ChatLimits,
    private readonly send: Send,
    private readonly relays: RelayRecorder,
  ) {}

  join(member: ChannelMember): void {
    const subs = new Map<string, Subscription>();
    this.subscriptions.set(member.id, subs);
    for (const name of readableChannels(member)) subs.set(name, this.subscribe(member.id, name));
  }

  /** Moves a member's team subscription after a rebalance. */
  changeTeam(member: ChannelMember): void {
    const subs = this.subscriptions.get(member.id);
    if (!subs) return;
    for (const team of TEAMS) {
      subs.get(teamChannel(team))?.close();
      subs.delete(teamChannel(team));
    }
    subs.set(teamChannel(member.team), this.subscribe(member.id, teamChannel(member.team)));
  }

  pause(sessionId: string): void {
    for (const sub of this.subscriptions.get(sessionId)?.values() ?? []) sub.pause();
  }

  /** Replays what the member missed: after the seqs it reports, else after what the server last sent it. */
  async resume(sessionId: string, lastSeen?: ResumeMessage): Promise<void> {
    const subs = this.subscriptions.get(sessionId);
    if (!subs) return;
    await Promise.all([...subs].map(([name, sub]) => {
      const seq = lastSeen?.channels[name];
      return sub.resume(seq === undefined ? undefined : { epoch: lastSeen?.epochs?.[name], seq });
    }));
  }

  async remove(sessionId: string): Promise<void> {
    for (const sub of this.subscriptions.get(sessionId)?.values() ?? []) sub.close();
    this.subscriptions.delete(sessionId);
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
      this.send(sender.id, ServerMessageType.ERROR, refusal);
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
    const players = [...this.subscriptions.keys()];
    await Promise.all(players.map((id) => this.remove(id)));
    await Promise.all([ALL_CHANNEL, ...TEAMS.map(teamChannel)].map((name) => this.drop(name)));
  }

  private drop(name: string): Promise<void> {
    return this.fanout.drop(this.key(name)).catch((err) => log.warn({ err, channel: name }, "channel not dropped"));
  }

  private key(name: string): string {
    return matchChannelKey(this.roomId, name);
  }

  private subscribe(sessionId: string, name: string): Subscription {
    return new Subscription(this.fanout, this.key(name), {
      message: (m) => {
        if (m.seq === 0) {
          const notice = m.payload as TypingNotice;
          if (notice.from !== sessionId) this.send(sessionId, ServerMessageType.TYPING, notice);
          return;
        }
        const payload = m.payload as ChatPayload;
        const delivery: ChatDelivery = { id: `${payload.channel}:${m.epoch}:${m.seq}`, epoch: m.epoch, seq: m.seq, ts: m.ts, ...payload };
        this.send(sessionId, ServerMessageType.CHAT, delivery);
        this.relays.record(m.ts);
      },
      gap: (_key, after) => this.send(sessionId, ServerMessageType.GAP, { channel: name, after } satisfies GapNotice),
      reset: (_key, epoch) => this.send(sessionId, ServerMessageType.RESET, { channel: name, epoch } satisfies ResetNotice),
    }, "latest");
  }
}

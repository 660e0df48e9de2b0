import type { Fanout, FanoutMessage } from "./fanout/Fanout";
import { Subscription } from "./fanout/Subscription";
import { ChannelMember, readableChannels } from "./fanout/access";
import { ALL_CHANNEL, matchChannelKey, playerChannel, teamChannel } from "./fanout/keys";
import { TEAMS } from "./match/rules";

/** What a match channel message carries in the fan-out. */
export interface ChatPayload {
  channel: string;
  /** Sender's sessionId, or "server" for notices. */
  from: string;
  name: string;
  to?: string;
  text: string;
}

/** The `chat` message a client receives. */
export interface ChatDelivery extends ChatPayload {
  id: string;
  seq: number;
  ts: number;
}

export const SERVER_SENDER = "server";

type Send = (sessionId: string, type: string, message: unknown) => void;

/**
 * A match's channels on the fan-out: each player holds one Subscription per
 * readable channel (all, own team, own direct channel), paused while it is
 * disconnected and resumed after the seqs it reports.
 */
export class MatchChannels {
  private readonly subscriptions = new Map<string, Map<string, Subscription>>();

  constructor(
    private readonly fanout: Fanout,
    private readonly roomId: string,
    private readonly send: Send,
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
  async resume(sessionId: string, lastSeen: Record<string, number> = {}): Promise<void> {
    const subs = this.subscriptions.get(sessionId);
    if (!subs) return;
    await Promise.all([...subs].map(([name, sub]) => sub.resume(lastSeen[name])));
  }

  async remove(sessionId: string): Promise<void> {
    for (const sub of this.subscriptions.get(sessionId)?.values() ?? []) sub.close();
    this.subscriptions.delete(sessionId);
    await this.fanout.drop(this.key(playerChannel(sessionId)));
  }

  post(channel: string, payload: Omit<ChatPayload, "channel">): Promise<FanoutMessage> {
    return this.fanout.publish<ChatPayload>(this.key(channel), { channel, ...payload });
  }

  /** A server notice on a channel (kill feed, departures). */
  notice(channel: string, text: string): Promise<FanoutMessage> {
    return this.post(channel, { from: SERVER_SENDER, name: "server", text });
  }

  typing(member: ChannelMember, name: string): void {
    this.fanout.ephemeral(this.key(teamChannel(member.team)), { channel: teamChannel(member.team), from: member.id, name });
  }

  async dispose(): Promise<void> {
    const players = [...this.subscriptions.keys()];
    await Promise.all(players.map((id) => this.remove(id)));
    await Promise.all([ALL_CHANNEL, ...TEAMS.map(teamChannel)].map((name) => this.fanout.drop(this.key(name))));
  }

  private key(name: string): string {
    return matchChannelKey(this.roomId, name);
  }

  private subscribe(sessionId: string, name: string): Subscription {
    return new Subscription(this.fanout, this.key(name), {
      message: (m) => {
        const payload = m.payload as ChatPayload;
        if (m.seq === 0) {
          if (payload.from !== sessionId) this.send(sessionId, "typing", { channel: payload.channel, from: payload.from, name: payload.name });
          return;
        }
        const delivery: ChatDelivery = { id: `${payload.channel}:${m.seq}`, seq: m.seq, ts: m.ts, ...payload };
        this.send(sessionId, "chat", delivery);
      },
      gap: (_key, after) => this.send(sessionId, "gap", { channel: name, after }),
    }, "latest");
  }
}

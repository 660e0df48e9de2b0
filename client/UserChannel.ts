import { userChannel } from "../rooms/fanout/keys";
import type { PolledBroadcasts, UserMessage } from "../schema/serverMessages";
import { ChannelPositions } from "./channelPositions";
import { arenaFetch } from "./http";
import { Listeners } from "./listeners";
import { tokenClaims } from "./tokenClaims";

/** Body of `GET /api/users/:sub/messages`: as the signage poll's, with `gap` and user messages. */
type PolledUserMessages = Omit<PolledBroadcasts, "messages"> & { gap: boolean; messages: UserMessage[] };

/**
 * An identity's user channel (`user-<sub>`) as one of its devices reads it:
 * every message once, in order, across reconnections. Its position lives in
 * the positions of the session it belongs to, which reports it with the
 * others when it resumes. A session hands it each `user` message its room
 * gets; a device without a socket calls `poll` every few seconds instead.
 */
export class UserChannel {
  readonly name: string;
  private readonly listeners = new Listeners<[message: UserMessage]>();

  constructor(
    readonly sub: string,
    readonly positions: ChannelPositions = new ChannelPositions(),
  ) {
    this.name = userChannel(sub);
  }

  /** The channel of the identity `token` speaks for: its `sub` claim, read without verifying (the server does). */
  static ofToken(token: string, positions?: ChannelPositions): UserChannel {
    const { sub } = tokenClaims(token);
    if (!sub) throw new Error("the token names no identity: it has no readable sub claim");
    return new UserChannel(sub, positions);
  }

  onMessage(listener: (message: UserMessage) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Passes a `user` message on unless it was had already (a replay after a resume). */
  receive(message: UserMessage): void {
    if (this.positions.accept(message)) this.listeners.emit(message);
  }

  /**
   * Reads what came after the last message had, once, with `GET
   * /api/users/:sub/messages?after=SEQ&epoch=E` (`token` must be this
   * identity's): the first poll gets everything still in the backlog. Throws
   * ArenaHttpError when refused (403 forbidden_channel for another identity's).
   */
  async poll(endpoint: string, token: string): Promise<void> {
    const polled = await this.read(endpoint, token);
    if (polled.reset && polled.epoch) this.positions.restart(this.name, polled.epoch);
    for (const message of polled.messages) this.receive(message);
  }

  /**
   * Takes the channel's newest message as had, without passing anything on:
   * from now on only what follows is read. Call it before the first join or
   * poll of a device that must not show the backlog but must lose nothing
   * after this point (a join that reports the position replays what came
   * after it). Does nothing once a position is known. Rejects when the read
   * fails or `signal` aborts it, and then takes nothing.
   */
  async startFromNow(endpoint: string, token: string, signal?: AbortSignal): Promise<void> {
    if (this.positions.lastSeen[this.name] !== undefined) return;
    const polled = await this.read(endpoint, token, signal);
    const newest = polled.messages.at(-1);
    // An empty backlog: what is numbered from now on (in the channel's epoch, or the first one) is read.
    if (newest) this.positions.take(newest);
    else this.positions.set(this.name, 0, polled.epoch);
  }

  private read(endpoint: string, token: string, signal?: AbortSignal): Promise<PolledUserMessages> {
    const query = new URLSearchParams({ after: String(this.positions.lastSeen[this.name] ?? 0) });
    const epoch = this.positions.epochs[this.name];
    if (epoch) query.set("epoch", epoch);
    return arenaFetch<PolledUserMessages>(`${endpoint}/api/users/${encodeURIComponent(this.sub)}/messages?${query}`, { token, signal });
  }
}

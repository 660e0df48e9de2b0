import type { ChannelPosition, Fanout, FanoutMessage } from "../fanout/Fanout";
import { Subscription } from "../fanout/Subscription";
import { userChannel, userChannelKey } from "../fanout/keys";
import { GapNotice, ResetNotice, ServerMessageType, UserMessage } from "../../schema/serverMessages";
import type { RelayRecorder } from "../../server/metrics";

/** What a user channel message carries in the fan-out. */
export interface UserPostPayload {
  /** The connection (sessionId) of a device that posted it, which does not get it back; absent from a backend. */
  fromSession?: string;
  payload: unknown;
}

type Send = (sessionId: string, type: string, message: unknown) => void;

/**
 * The feed of each connection of a room from its identity's user channel
 * (`user-<sub>`): every connection of one identity, in any room and on any
 * node, gets every message once, in order, except a device its own posts. A
 * feed is paused while its connection is away and resumed after the position
 * the client reports, as match channels are.
 */
export class UserFeeds {
  private readonly feeds = new Map<string, { sub: string; subscription: Subscription }>();

  constructor(
    private readonly fanout: Fanout,
    private readonly send: Send,
    private readonly relays: RelayRecorder,
    /** Connections per identity on this node (the user gauges), shared by every room's feeds. */
    private readonly connections: Map<string, number>,
  ) {}

  /** Starts the feed of connection `sessionId` of identity `sub`: from `from` (a device catching up) or from now on. */
  open(sessionId: string, sub: string, from?: ChannelPosition): void {
    if (this.feeds.has(sessionId)) return;
    const channel = userChannel(sub);
    const subscription = new Subscription(this.fanout, userChannelKey(sub), {
      message: (m) => this.deliver(sessionId, channel, m),
      gap: (_key, after) => this.send(sessionId, ServerMessageType.GAP, { channel, after } satisfies GapNotice),
      reset: (_key, epoch) => this.send(sessionId, ServerMessageType.RESET, { channel, epoch } satisfies ResetNotice),
    }, from ?? "latest");
    this.feeds.set(sessionId, { sub, subscription });
    this.connections.set(sub, (this.connections.get(sub) ?? 0) + 1);
  }

  pause(sessionId: string): void {
    this.feeds.get(sessionId)?.subscription.pause();
  }

  /** Resumes after the position the client reports per channel name (`resume`), else after what it was sent. */
  resume(sessionId: string, reported?: { channels: Record<string, number>; epochs?: Record<string, string> }): Promise<void> {
    const feed = this.feeds.get(sessionId);
    if (!feed) return Promise.resolve();
    const name = userChannel(feed.sub);
    const seq = reported?.channels[name];
    return feed.subscription.resume(seq === undefined ? undefined : { epoch: reported?.epochs?.[name], seq });
  }

  close(sessionId: string): void {
    const feed = this.feeds.get(sessionId);
    if (!feed) return;
    feed.subscription.close();
    this.feeds.delete(sessionId);
    const left = (this.connections.get(feed.sub) ?? 1) - 1;
    if (left > 0) this.connections.set(feed.sub, left);
    else this.connections.delete(feed.sub);
  }

  /** A device's post to its own identity's channel: reaches its other connections, not itself. */
  post(sessionId: string, sub: string, payload: unknown): Promise<FanoutMessage> {
    return this.fanout.publish<UserPostPayload>(userChannelKey(sub), { fromSession: sessionId, payload });
  }

  private deliver(sessionId: string, channel: string, m: FanoutMessage): void {
    const post = m.payload as UserPostPayload;
    if (post.fromSession === sessionId) return;
    const message: UserMessage = { channel, epoch: m.epoch, seq: m.seq, payload: post.payload, ts: m.ts };
    this.send(sessionId, ServerMessageType.USER, message);
    this.relays.record(m.ts);
  }
}

/** A backend's push to identity `sub`: reaches every connection of it. */
export function pushToUser(fanout: Fanout, sub: string, payload: unknown): Promise<FanoutMessage> {
  return fanout.publish<UserPostPayload>(userChannelKey(sub), { payload });
}

import type { ChannelPosition, Fanout, FanoutMessage } from "../fanout/Fanout";
import { Audiences, SessionWriter } from "../fanout/Audiences";
import type { AudienceOutput } from "../fanout/ChannelAudience";
import { userChannel, userChannelKey, userChannelOf } from "../fanout/keys";
import { GapNotice, ResetNotice, ServerMessageType, UserMessage } from "../../schema/serverMessages";
import type { RelayRecorder } from "../../server/metrics";
import { roomMessageBytes } from "../../server/runtime/roomMessage";

/** What a user channel message carries in the fan-out. */
export interface UserPostPayload {
  /** The connection (sessionId) of a device that posted it, which does not get it back; absent from a backend. */
  fromSession?: string;
  payload: unknown;
}

/**
 * The feed of each connection of a room from its identity's user channel
 * (`user-<sub>`): every connection of one identity, in any room and on any
 * node, gets every message once, in order, except a device its own posts. A
 * room has one audience per identity; a feed is paused while its connection is
 * away and resumed after the position the client reports, as match channels are.
 */
export class UserFeeds {
  /** The identity (`sub`) of each connection with a feed. */
  private readonly subs = new Map<string, string>();
  private readonly audiences: Audiences;

  constructor(
    private readonly fanout: Fanout,
    private readonly sessions: SessionWriter,
    private readonly relays: RelayRecorder,
    /** Connections per identity on this node (the user gauges), shared by every room's feeds. */
    private readonly connections: Map<string, number>,
  ) {
    this.audiences = new Audiences(fanout, (key) => this.output(key));
  }

  /** Starts the feed of connection `sessionId` of identity `sub`: from `from` (a device catching up) or from now on. */
  open(sessionId: string, sub: string, from?: ChannelPosition): void {
    if (this.subs.has(sessionId)) return;
    this.subs.set(sessionId, sub);
    void this.audiences.join(userChannelKey(sub), sessionId, from ?? "latest");
    this.connections.set(sub, (this.connections.get(sub) ?? 0) + 1);
  }

  pause(sessionId: string): void {
    const sub = this.subs.get(sessionId);
    if (sub !== undefined) this.audiences.pause(userChannelKey(sub), sessionId);
  }

  /** Resumes after the position the client reports per channel name (`resume`), else after what it was sent. */
  resume(sessionId: string, reported?: { channels: Record<string, number>; epochs?: Record<string, string> }): Promise<void> {
    const sub = this.subs.get(sessionId);
    if (sub === undefined) return Promise.resolve();
    const name = userChannel(sub);
    const seq = reported?.channels[name];
    return this.audiences.resume(userChannelKey(sub), sessionId, seq === undefined ? undefined : { epoch: reported?.epochs?.[name], seq });
  }

  close(sessionId: string): void {
    const sub = this.subs.get(sessionId);
    if (sub === undefined) return;
    this.audiences.leave(userChannelKey(sub), sessionId);
    this.subs.delete(sessionId);
    const left = (this.connections.get(sub) ?? 1) - 1;
    if (left > 0) this.connections.set(sub, left);
    else this.connections.delete(sub);
  }

  /** A device's post to its own identity's channel: reaches its other connections, not itself. */
  post(sessionId: string, sub: string, payload: unknown): Promise<FanoutMessage> {
    return this.fanout.publish<UserPostPayload>(userChannelKey(sub), { fromSession: sessionId, payload });
  }

  private output(key: string): AudienceOutput {
    const channel = userChannelOf(key)!;
    return {
      encode: (m) => {
        const post = m.payload as UserPostPayload;
        const message: UserMessage = { channel, epoch: m.epoch, seq: m.seq, payload: post.payload, ts: m.ts };
        return roomMessageBytes(ServerMessageType.USER, message);
      },
      wants: (sessionId, m) => (m.payload as UserPostPayload).fromSession !== sessionId,
      write: (sessionId, bytes) => this.sessions.sendEncoded(sessionId, ServerMessageType.USER, bytes),
      whenWritable: (sessionId) => this.sessions.whenWritable(sessionId),
      gap: (sessionId, after) => this.sessions.send(sessionId, ServerMessageType.GAP, { channel, after } satisfies GapNotice),
      reset: (sessionId, epoch) => this.sessions.send(sessionId, ServerMessageType.RESET, { channel, epoch } satisfies ResetNotice),
      delivered: (m, count) => this.relays.record(m.ts, count),
    };
  }
}

/** A backend's push to identity `sub`: reaches every connection of it. */
export function pushToUser(fanout: Fanout, sub: string, payload: unknown): Promise<FanoutMessage> {
  return fanout.publish<UserPostPayload>(userChannelKey(sub), { payload });
}

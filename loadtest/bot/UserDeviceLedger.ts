import { userChannel } from "../../rooms/fanout/keys";
import type { UserMessage } from "../../schema/serverMessages";
import { wallClockMs } from "./wallClock";

/** What the benchmark's pusher puts in every user message. */
export interface UserPushPayload {
  /** Index of the user it was pushed to (identity `userSub(user)`). */
  user: number;
  /** That user's push number: 0 the warm-up push, 1.. in the measured window. */
  n: number;
  /** wallClockMs() in the pusher just before it sent the HTTP request. */
  sentAt: number;
  /** Filler standing in for content (a watch-progress update), so the message has a realistic size. */
  body: string;
}

/** The identity of user `index` in the benchmark: every one of its devices presents a token with this `sub`. */
export const userSub = (index: number) => `bench-user-${index}`;

/** One device's account of its user channel, as the harness reads it. */
export interface DeviceTally {
  user: number;
  /** Distinct messages of its own user received (warm-up included). */
  delivered: number;
  /** Messages of its own user whose seq it already had. */
  duplicates: number;
  /** Messages of another user, or on a channel other than its own user's. */
  foreign: number;
  /** Messages of its own user with a seq lower than one it already had. */
  outOfOrder: number;
  /** `gap` or `reset` notices: the channel could not bring every message in order. */
  notices: number;
  disconnected: boolean;
}

/** The latencies one fleet's devices measured, per measured delivery (ms). */
export interface DeviceLatencies {
  /** Device's Date.now() when the message reached its handler - the server's `ts` (when it numbered the message), whole ms. */
  relayMs: number[];
  /** Device's wallClockMs() at the handler - the pusher's `sentAt`: HTTP, the server and delivery. */
  pushToDeviceMs: number[];
}

/**
 * What one device of user `user` received on its user channel: every message
 * must be its own user's, once, in seq order. Latencies of measured messages
 * (n >= 1) go to the fleet's shared lists.
 */
export class UserDeviceLedger {
  readonly tally: DeviceTally;
  private readonly channel: string;
  private readonly seen = new Set<number>();
  private lastSeq = -1;

  constructor(user: number, private readonly latencies: DeviceLatencies) {
    this.channel = userChannel(userSub(user));
    this.tally = { user, delivered: 0, duplicates: 0, foreign: 0, outOfOrder: 0, notices: 0, disconnected: false };
  }

  received(m: UserMessage): void {
    const now = Date.now();
    const at = wallClockMs();
    const payload = m.payload as UserPushPayload;
    const t = this.tally;
    if (m.channel !== this.channel || payload.user !== t.user) {
      t.foreign++;
      return;
    }
    if (this.seen.has(m.seq)) {
      t.duplicates++;
      return;
    }
    if (m.seq < this.lastSeq) t.outOfOrder++;
    this.lastSeq = Math.max(this.lastSeq, m.seq);
    this.seen.add(m.seq);
    t.delivered++;
    if (payload.n < 1) return;
    this.latencies.relayMs.push(now - m.ts);
    this.latencies.pushToDeviceMs.push(at - payload.sentAt);
  }
}

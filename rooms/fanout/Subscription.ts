import type { ChannelPosition, Fanout, FanoutMessage } from "./Fanout";
import { logger } from "../../server/logger";

const log = logger.child({ subsystem: "fanout" });
/** Live messages a subscription keeps while it catches up; past this the backlog (or a gap) answers for the oldest. */
const MAX_HELD = 1000;

export interface SubscriberSink {
  /** Delivers one message to the subscriber (in seq order, each once). */
  message(message: FanoutMessage): void;
  /** Messages after `afterSeq` were evicted from the backlog before they could be delivered. */
  gap(key: string, afterSeq: number): void;
  /**
   * The channel's numbering started again in `epoch` (the store lost it): what
   * follows counts from that epoch's start, and earlier seqs mean nothing now.
   */
  reset(key: string, epoch: string): void;
}

/**
 * One subscriber's cursor on one channel: delivers every numbered message once
 * and in order and never moves past a seq it has not delivered. A live message
 * that is not the next one (a reconnection, a subscriber that missed the stream
 * while Redis was away) is held while what comes before it is read from the
 * backlog, and so are live messages arriving meanwhile; a message of another
 * epoch is announced as a reset. While paused nothing is sent; `resume` replays
 * what was missed.
 */
export class Subscription {
  /** Epoch of `lastSeq`; undefined until known. */
  epoch: string | undefined;
  /** Seq of the last message handed to the sink; null until the starting point is known. */
  lastSeq: number | null = null;
  /** Settles once the starting point is known and anything after it was delivered. */
  readonly ready: Promise<void>;
  private paused = false;
  private catchingUp: Promise<void> | null = null;
  /** Live messages received while a catch-up runs or that are ahead of it, oldest first once sorted. */
  private held: FanoutMessage[] = [];
  private readonly unsubscribe: () => void;
  private readonly stopResumeWatch: () => void;

  /**
   * @param start "latest": only messages published from now on; "retained": the
   *   channel's last message first, then live; a position: replay everything
   *   after it still in the backlog (everything, with a reset, if it is of
   *   another epoch), then go live.
   */
  constructor(
    private readonly fanout: Fanout,
    readonly key: string,
    private readonly sink: SubscriberSink,
    start: ChannelPosition | "latest" | "retained",
  ) {
    this.unsubscribe = fanout.subscribe(key, (m) => this.onMessage(m));
    this.stopResumeWatch = fanout.onStreamResumed(() => {
      if (!this.paused && this.lastSeq !== null) this.catchUpInBackground();
    });
    this.ready = this.begin(start).catch((err) => {
      // The store is unreachable: the first live message sets the starting point, and the
      // stream's return (onStreamResumed) reads what was missed from there.
      log.warn({ err, channel: key }, "subscription started without its backlog");
      this.paused = false;
    });
  }

  private async begin(start: ChannelPosition | "latest" | "retained"): Promise<void> {
    // The head is read once the stream is live, so a message published in between is not missed until the next one.
    await this.fanout.streamLive(this.key);
    if (start === "latest") {
      const head = await this.fanout.head(this.key);
      // A message that arrived meanwhile already set the starting point.
      if (this.lastSeq !== null) return;
      this.epoch = head?.epoch;
      this.lastSeq = head?.seq ?? 0;
    } else if (start === "retained") {
      this.paused = true; // live messages wait until the retained one is out
      const head = await this.fanout.head(this.key);
      await this.startAfter({ epoch: head?.epoch, seq: Math.max(0, (head?.seq ?? 0) - 1) });
    } else {
      await this.startAfter(start);
    }
  }

  pause(): void {
    this.paused = true;
    this.held = [];
  }

  /** Resumes delivery after `from` (default: after the last delivered), replaying the backlog. */
  async resume(from?: ChannelPosition): Promise<void> {
    await this.ready;
    await this.startAfter(from ?? { epoch: this.epoch, seq: this.lastSeq ?? 0 }).catch((err) => {
      log.warn({ err, channel: this.key }, "resume could not read the backlog; it is read again when the store is back");
    });
  }

  close(): void {
    this.pause();
    this.unsubscribe();
    this.stopResumeWatch();
  }

  private startAfter(from: ChannelPosition): Promise<void> {
    this.paused = false;
    this.epoch = from.epoch;
    this.lastSeq = from.seq;
    return this.catchUp();
  }

  private onMessage(message: FanoutMessage): void {
    if (this.paused) return;
    if (message.seq === 0) return this.sink.message(message);
    if (this.catchingUp) return this.hold(message); // the running catch-up delivers it in its turn
    const sameEpoch = this.epoch === undefined || this.epoch === message.epoch;
    if (this.lastSeq === null || (sameEpoch && message.seq === this.lastSeq + 1)) {
      this.epoch = message.epoch;
      this.lastSeq = message.seq;
      return this.sink.message(message);
    }
    if (sameEpoch && message.seq <= this.lastSeq) return; // already delivered
    this.hold(message);
    this.catchUpInBackground();
  }

  /**
   * Keeps a live message that cannot go out yet: the backlog is bounded, so a
   * burst during a catch-up could evict it before the catch-up reads it.
   */
  private hold(message: FanoutMessage): void {
    this.held.push(message);
    if (this.held.length > MAX_HELD) this.held.shift(); // the backlog has it, or the gap is reported
  }

  private catchUp(): Promise<void> {
    if (this.catchingUp) return this.catchingUp;
    const run = async () => {
      // Each pass reads the backlog after the last delivered seq, then hands over the held live
      // messages that continue it; one that still does not (an earlier one is missing) takes another pass.
      for (;;) {
        const heldBeforeRead = new Set(this.held);
        const history = await this.fanout.history(this.key, { epoch: this.epoch, seq: this.lastSeq ?? 0 });
        if (this.paused) return;
        if (history.epoch === undefined) {
          // Nothing stored when it read: what was held before is of a channel the store lost; what came since, read again.
          this.held = this.held.filter((m) => !heldBeforeRead.has(m));
          if (this.held.length === 0) return;
          continue;
        }
        if (history.reset) {
          this.lastSeq = 0;
          this.sink.reset(this.key, history.epoch);
        }
        this.epoch = history.epoch;
        if (history.gap) this.sink.gap(this.key, this.lastSeq ?? 0);
        for (const m of history.messages) this.deliverNext(m);
        // A held message of another epoch that came before the read is of an epoch the store has left behind.
        this.held = this.held.filter((m) => m.epoch === this.epoch || !heldBeforeRead.has(m));
        this.held.sort((a, b) => a.seq - b.seq);
        while (this.held.length > 0 && this.held[0].epoch === this.epoch && this.held[0].seq <= (this.lastSeq ?? 0) + 1) {
          this.deliverNext(this.held.shift()!);
        }
        if (this.held.length === 0) return;
      }
    };
    this.catchingUp = run().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }

  /** Hands `m` to the sink unless it was delivered already. */
  private deliverNext(m: FanoutMessage): void {
    if (m.seq <= (this.lastSeq ?? 0)) return;
    this.lastSeq = m.seq;
    this.sink.message(m);
  }

  /** A catch-up started by a live message or the stream's return: on failure the next one tries again. */
  private catchUpInBackground(): void {
    this.catchUp().catch((err) => log.warn({ err, channel: this.key }, "catch-up from the backlog failed; retried on the next message"));
  }
}

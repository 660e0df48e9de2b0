import type { Fanout, FanoutMessage } from "./Fanout";

export interface SubscriberSink {
  /** Delivers one message to the subscriber (in seq order, each once). */
  message(message: FanoutMessage): void;
  /** Messages after `afterSeq` were evicted from the backlog before they could be delivered. */
  gap(key: string, afterSeq: number): void;
}

/**
 * One subscriber's cursor on one channel: delivers every numbered message once
 * and in order, filling holes from the backlog (a reordered cross-node message,
 * a reconnection). While paused nothing is sent; `resume(after)` replays what
 * was missed.
 */
export class Subscription {
  /** Seq of the last message handed to the sink; null until the starting point is known. */
  lastSeq: number | null = null;
  /** Settles once the starting point is known and anything after it was delivered. */
  readonly ready: Promise<void>;
  private paused = false;
  private catchingUp: Promise<void> | null = null;
  /** A live message arrived during a catch-up pass: read the backlog once more. */
  private arrivedDuringCatchUp = false;
  private readonly unsubscribe: () => void;

  /**
   * @param start "latest": only messages published from now on; "retained": the
   *   channel's last message first, then live; a number: replay everything after
   *   that seq still in the backlog, then go live.
   */
  constructor(
    private readonly fanout: Fanout,
    readonly key: string,
    private readonly sink: SubscriberSink,
    start: number | "latest" | "retained",
  ) {
    this.unsubscribe = fanout.subscribe(key, (m) => this.onMessage(m));
    if (start === "latest") {
      this.ready = fanout.latestSeq(key).then((latest) => {
        // A message that arrived meanwhile already set the starting point.
        if (this.lastSeq === null) this.lastSeq = latest;
      });
    } else if (start === "retained") {
      this.paused = true; // live messages wait until the retained one is out
      this.ready = fanout.latestSeq(key).then((latest) => this.startAfter(Math.max(0, latest - 1)));
    } else {
      this.ready = this.startAfter(start);
    }
  }

  pause(): void {
    this.paused = true;
  }

  /** Resumes delivery after `afterSeq` (default: after the last delivered), replaying the backlog. */
  async resume(afterSeq?: number): Promise<void> {
    await this.ready;
    return this.startAfter(afterSeq ?? this.lastSeq ?? 0);
  }

  close(): void {
    this.paused = true;
    this.unsubscribe();
  }

  private startAfter(seq: number): Promise<void> {
    this.paused = false;
    this.lastSeq = seq;
    return this.catchUp();
  }

  private onMessage(message: FanoutMessage): void {
    if (this.paused) return;
    if (message.seq === 0) return this.sink.message(message);
    if (this.catchingUp) {
      this.arrivedDuringCatchUp = true; // the running catch-up reads it from the backlog
      return;
    }
    if (this.lastSeq === null || message.seq === this.lastSeq + 1) {
      this.lastSeq = message.seq;
      return this.sink.message(message);
    }
    if (message.seq > this.lastSeq + 1) void this.catchUp();
  }

  private catchUp(): Promise<void> {
    if (this.catchingUp) return this.catchingUp;
    const run = async () => {
      // Loop: messages published while the backlog was being read are picked up by the next pass.
      for (;;) {
        this.arrivedDuringCatchUp = false;
        const after = this.lastSeq ?? 0;
        const history = await this.fanout.history(this.key, after);
        if (this.paused) return;
        if (history.gap) this.sink.gap(this.key, after);
        let delivered = false;
        for (const m of history.messages) {
          if (m.seq <= (this.lastSeq ?? 0)) continue;
          this.lastSeq = m.seq;
          this.sink.message(m);
          delivered = true;
        }
        if (!delivered && !this.arrivedDuringCatchUp) return;
      }
    };
    this.catchingUp = run().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }
}

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
  /** Seq of the last message handed to the sink; null until the first one sets the baseline. */
  lastSeq: number | null;
  private paused = false;
  private catchingUp: Promise<void> | null = null;
  /** A live message arrived during a catch-up pass: read the backlog once more. */
  private arrivedDuringCatchUp = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly fanout: Fanout,
    readonly key: string,
    private readonly sink: SubscriberSink,
    startAfter: number | null = null,
  ) {
    this.lastSeq = startAfter;
    this.unsubscribe = fanout.subscribe(key, (m) => this.onMessage(m));
  }

  pause(): void {
    this.paused = true;
  }

  /** Resumes delivery after `afterSeq` (default: after the last delivered), replaying the backlog. */
  resume(afterSeq: number | null = this.lastSeq): Promise<void> {
    this.paused = false;
    this.lastSeq = afterSeq;
    return this.catchUp();
  }

  close(): void {
    this.paused = true;
    this.unsubscribe();
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
    if (this.catchingUp || this.lastSeq === null) return this.catchingUp ?? Promise.resolve();
    const run = async () => {
      // Loop: messages published while the backlog was being read are picked up by the next pass.
      for (;;) {
        this.arrivedDuringCatchUp = false;
        const after: number = this.lastSeq!;
        const history = await this.fanout.history(this.key, after);
        if (this.paused) return;
        if (history.gap) this.sink.gap(this.key, after);
        const fresh = history.messages.filter((m) => m.seq > this.lastSeq!);
        if (fresh.length === 0 && !this.arrivedDuringCatchUp) return;
        for (const m of fresh) {
          this.lastSeq = m.seq;
          this.sink.message(m);
        }
      }
    };
    this.catchingUp = run().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }
}

/**
 * What one bot measures, whatever protocol it speaks: input -> state latency
 * (send time per seq until the first state whose own `ack` >= seq), states
 * received, downstream bytes, refused messages and disconnects.
 */
export class BotStats {
  readonly latenciesMs: number[] = [];
  states = 0;
  bytes = 0;
  errors = 0;
  disconnected = false;
  /** Seqs sent and not yet acknowledged, oldest first (seqs only increase). */
  private pendingSeq: number[] = [];
  private pendingAt: number[] = [];
  private pendingHead = 0;

  sent(seq: number, at: number): void {
    this.pendingSeq.push(seq);
    this.pendingAt.push(at);
  }

  /** A state arrived in which this bot's own player shows `ack`. */
  stateReceived(ack: number, at: number): void {
    this.states++;
    while (this.pendingHead < this.pendingSeq.length && this.pendingSeq[this.pendingHead] <= ack) {
      this.latenciesMs.push(at - this.pendingAt[this.pendingHead]);
      this.pendingHead++;
    }
    // Compact now and then rather than shifting on every ack.
    if (this.pendingHead > 1024) {
      this.pendingSeq = this.pendingSeq.slice(this.pendingHead);
      this.pendingAt = this.pendingAt.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  /** Starts a measurement window: what came before is warm-up. */
  reset(): void {
    this.latenciesMs.length = 0;
    this.states = 0;
    this.bytes = 0;
    this.errors = 0;
  }
}

/** Something with deliveries to make: writes up to `budget` and says how many it used. */
export interface DeliveryWork {
  deliver(budget: number): { used: number; done: boolean };
}

/** Writes made at once, when nothing waits, per turn of the event loop: a chat line or a user message goes out without waiting for a turn. */
const AT_ONCE_PER_TURN = 64;
/**
 * A turn also ends after this long: a socket write costs 10-20 µs on a busy node, so 500 of them
 * held a match's tick for about 7 ms (the display benchmark's tick interval p99).
 */
const TURN_MS = 3;
/** Writes given to one audience at a time within a turn, between looks at the clock. */
const CHUNK = 50;

/**
 * Shares each turn of the event loop between every audience of a node with
 * something to deliver: at most `perTurn` writes and TURN_MS a turn in all, so a publish to
 * thousands of subscribers over many rooms never holds a match's tick for long.
 * Work waits in arrival order and takes CHUNK writes at a time; one with more goes last. While
 * nothing waits, the first AT_ONCE_PER_TURN writes of a loop turn are made at
 * once: small audiences are not delayed behind a busy loop's I/O.
 */
export class DeliveryTurns {
  /** Work waiting for a turn, in arrival order, with when it first waited (performance.now()). */
  private readonly waiting = new Map<DeliveryWork, number>();
  private scheduled = false;
  private atOnce = AT_ONCE_PER_TURN;
  private atOnceRefill = false;

  constructor(readonly perTurn: number) {}

  request(work: DeliveryWork): void {
    if (this.waiting.size === 0 && this.atOnce > 0) {
      const { used, done } = work.deliver(this.atOnce);
      this.atOnce -= used;
      if (!this.atOnceRefill) {
        this.atOnceRefill = true;
        setImmediate(this.refill);
      }
      if (done) return;
    }
    if (!this.waiting.has(work)) this.waiting.set(work, performance.now());
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  }

  /**
   * How long the longest-waiting delivery has waited (ms; 0 when none waits): deliveries that fall behind
   * the messages coming in keep a standing backlog, each message as late as the backlog is long.
   */
  oldestWaitMs(now = performance.now()): number {
    let oldest = now;
    for (const since of this.waiting.values()) oldest = Math.min(oldest, since);
    return now - oldest;
  }

  private readonly refill = (): void => {
    this.atOnce = AT_ONCE_PER_TURN;
    this.atOnceRefill = false;
  };

  private readonly turn = (): void => {
    this.scheduled = false;
    let budget = this.perTurn;
    const until = performance.now() + TURN_MS;
    for (const [work, since] of this.waiting) {
      if (budget <= 0 || performance.now() >= until) break;
      this.waiting.delete(work);
      const { used, done } = work.deliver(Math.min(budget, CHUNK));
      budget -= used;
      if (!done) this.waiting.set(work, since);
    }
    if (this.waiting.size > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  };
}

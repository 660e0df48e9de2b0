/** Something with deliveries to make: writes up to `budget` and says how many it used. */
export interface DeliveryWork {
  deliver(budget: number): { used: number; done: boolean };
}

/** Writes made at once, when nothing waits, per turn of the event loop: a chat line or a user message goes out without waiting for a turn. */
export const AT_ONCE_PER_TURN = 64;
/**
 * A turn ends this long before the node's next tick is due: after it the loop reads the inputs that
 * came in meanwhile and wakes the tick on time (a socket write costs 10-20 µs on a busy node, so a
 * fixed slice of 500 writes held a match's tick for about 7 ms in the display benchmark).
 */
const BEFORE_TICK_MS = 1;
/** The longest turn, when no tick is near: HTTP and pings wait at most this long behind a large delivery. */
export const LONGEST_TURN_MS = 20;
/** Writes given to one audience at a time within a turn, between looks at the clock: at least this many a turn. */
export const DELIVERY_CHUNK = 16;

/** When the node's next tick is due (performance.now() ms), Infinity while none runs: server/runtime/StepCalendar.ts. */
export interface NextTick {
  nextDueAt(): number;
}

/**
 * Shares the event loop between every audience of a node with something to
 * deliver and the node's match ticks: a turn writes until the next tick is
 * BEFORE_TICK_MS away (at most LONGEST_TURN_MS, at least one chunk), so a publish to thousands of
 * subscribers over many rooms uses the gaps between ticks and never holds one.
 * Work waits in arrival order and takes DELIVERY_CHUNK writes at a time; one with more goes last. While
 * nothing waits, the first AT_ONCE_PER_TURN writes of a loop turn are made at
 * once: small audiences are not delayed behind a busy loop's I/O.
 */
export class DeliveryTurns {
  /** Work waiting for a turn, in arrival order, with when it first waited (performance.now()). */
  private readonly waiting = new Map<DeliveryWork, number>();
  private scheduled = false;
  private atOnce = AT_ONCE_PER_TURN;
  private atOnceRefill = false;

  constructor(private readonly ticks: NextTick) {}

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
    const start = performance.now();
    const until = Math.min(start + LONGEST_TURN_MS, this.ticks.nextDueAt() - BEFORE_TICK_MS);
    let first = true;
    for (const [work, since] of this.waiting) {
      if (!first && performance.now() >= until) break;
      first = false;
      this.waiting.delete(work);
      const { done } = work.deliver(DELIVERY_CHUNK);
      if (!done) this.waiting.set(work, since);
    }
    if (this.waiting.size > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  };
}

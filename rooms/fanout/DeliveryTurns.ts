/** Something with deliveries to make: writes up to `budget` and says how many it used. */
export interface DeliveryWork {
  deliver(budget: number): { used: number; done: boolean };
}

/** Writes made at once, when nothing waits, per turn of the event loop: a chat line or a user message goes out without waiting for a turn. */
const AT_ONCE_PER_TURN = 64;

/**
 * Shares each turn of the event loop between every audience of a node with
 * something to deliver: at most `perTurn` writes a turn in all, so a publish to
 * thousands of subscribers over many rooms never holds a match's tick for long.
 * Work waits in arrival order; one that used up the turn goes last. While
 * nothing waits, the first AT_ONCE_PER_TURN writes of a loop turn are made at
 * once: small audiences are not delayed behind a busy loop's I/O.
 */
export class DeliveryTurns {
  private readonly waiting = new Set<DeliveryWork>();
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
    this.waiting.add(work);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  }

  private readonly refill = (): void => {
    this.atOnce = AT_ONCE_PER_TURN;
    this.atOnceRefill = false;
  };

  private readonly turn = (): void => {
    this.scheduled = false;
    let budget = this.perTurn;
    for (const work of this.waiting) {
      if (budget <= 0) break;
      this.waiting.delete(work);
      const { used, done } = work.deliver(budget);
      budget -= used;
      if (!done) this.waiting.add(work);
    }
    if (this.waiting.size > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  };
}

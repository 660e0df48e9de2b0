/** Something with deliveries to make: writes up to `budget` and says how many it used. */
export interface DeliveryWork {
  deliver(budget: number): { used: number; done: boolean };
}

/**
 * Shares each turn of the event loop between every audience of a node with
 * something to deliver: at most `perTurn` writes a turn in all, so a publish to
 * thousands of subscribers over many rooms never holds a match's tick for long.
 * Work waits in arrival order; one that used up the turn goes last.
 */
export class DeliveryTurns {
  private readonly waiting = new Set<DeliveryWork>();
  private scheduled = false;

  constructor(readonly perTurn: number) {}

  request(work: DeliveryWork): void {
    this.waiting.add(work);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  }

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

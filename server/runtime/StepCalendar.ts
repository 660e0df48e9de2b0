/**
 * When the node's fixed-step loops (its matches' ticks) next wake, so that
 * other work sharing the event loop (channel deliveries) can stop just before a
 * tick is due instead of after a fixed slice: a tick is never held by it, and
 * between ticks that work may use the whole gap.
 */
export class StepCalendar {
  private readonly due = new Map<object, number>();

  /** `loop`'s next wake is due at `at` (performance.now() ms). */
  book(loop: object, at: number): void {
    this.due.set(loop, at);
  }

  cancel(loop: object): void {
    this.due.delete(loop);
  }

  /** The earliest wake due on this node (performance.now() ms); Infinity while no loop runs. */
  nextDueAt(): number {
    let next = Infinity;
    for (const at of this.due.values()) if (at < next) next = at;
    return next;
  }
}

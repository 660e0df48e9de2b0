/**
 * When the node's fixed-step loops (its matches' ticks) next wake, so that
 * other work sharing the event loop (channel deliveries) can stop just before a
 * tick is due instead of after a fixed slice: a tick is never held by it, and
 * between ticks that work may use the whole gap. A loop that starts takes the
 * phase farthest from the others', so a node's ticks spread over the step
 * rather than queueing behind each other (and their patches reaching clients in
 * one burst).
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

  /**
   * The first wake for a loop of `stepMs` starting at `now`: the middle of the widest gap between the
   * phases (wake times modulo the step) of the loops booked, a step on when none is.
   */
  firstWake(stepMs: number, now: number): number {
    const phases = [...this.due.values()].map((at) => ((at % stepMs) + stepMs) % stepMs).sort((a, b) => a - b);
    if (phases.length === 0) return now + stepMs;
    let phase = 0;
    let widest = -1;
    phases.forEach((from, i) => {
      const gap = (i + 1 < phases.length ? phases[i + 1] : phases[0] + stepMs) - from;
      if (gap > widest) [widest, phase] = [gap, (from + gap / 2) % stepMs];
    });
    const nowPhase = ((now % stepMs) + stepMs) % stepMs;
    return now + ((phase - nowPhase + stepMs) % stepMs || stepMs);
  }

  /** The earliest wake due on this node (performance.now() ms); Infinity while no loop runs. */
  nextDueAt(): number {
    let next = Infinity;
    for (const at of this.due.values()) if (at < next) next = at;
    return next;
  }
}

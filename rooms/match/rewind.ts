import { TICK_RATE } from "./rules";

/** Whole ticks in `ms` milliseconds of simulation. */
export function ticksIn(ms: number): number {
  return Math.round((ms * TICK_RATE) / 1000);
}

/** judgedTick's answer for "use the positions as they are now". */
export const NOW = -1;

/**
 * The tick a shot is judged at, given the tick the shooter claims to have seen,
 * the last recorded tick and the rewind bound (in ticks). A claim older than
 * the bound is judged at the bound; no claim, a claim in the future, or a bound
 * of 0 is judged now.
 */
export function judgedTick(claim: number | undefined, latest: number, bound: number): number {
  if (claim === undefined) return NOW;
  const tick = Math.max(claim, latest + 1 - bound);
  return tick > latest ? NOW : tick;
}

/**
 * One player's positions over the last `capacity` ticks, in two preallocated
 * ring buffers: recording a tick writes two numbers and allocates nothing.
 * Ticks before `since` belong to an earlier life (or to nobody) and are not held.
 */
export class PositionTrail {
  /** First tick of the current life: a shot judged earlier did not see this body. */
  since = 0;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private last = -1;

  constructor(readonly capacity: number) {
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
  }

  record(tick: number, x: number, y: number): void {
    this.last = tick;
    if (this.capacity === 0) return;
    const slot = tick % this.capacity;
    this.xs[slot] = x;
    this.ys[slot] = y;
  }

  holds(tick: number): boolean {
    return tick >= this.since && tick <= this.last && tick > this.last - this.capacity;
  }

  /** Only for a tick the trail holds. */
  xAt(tick: number): number {
    return this.xs[tick % this.capacity];
  }

  /** Only for a tick the trail holds. */
  yAt(tick: number): number {
    return this.ys[tick % this.capacity];
  }
}

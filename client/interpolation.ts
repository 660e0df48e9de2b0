/**
 * Interpolation of the other players, the other half of the prediction
 * contract (docs/protocol.md): they are shown a few ticks in the past, between
 * two received states, and a shot says which tick was on screen. Pure logic.
 */
import { COMBAT, TICK_SECONDS } from "../rooms/match/rules";
import { POSITION_SCALE } from "../schema/scales";

/** 100 ms at 60 Hz: room for a late or lost patch without the others freezing. */
export const DEFAULT_RENDER_DELAY_TICKS = 6;

/** A player's pose in world units and radians. */
export interface Pose {
  x: number;
  y: number;
  angle: number;
}

interface Snapshot {
  tick: number;
  poses: Map<string, Pose>;
}

const TICK_MS = TICK_SECONDS * 1000;

/**
 * Shows the other players `renderDelayTicks` behind the newest state received,
 * interpolating between the two states around that tick. A fire input carries
 * `fireTick()`, so the server judges the shot against what was on screen.
 */
export class Interpolation {
  private readonly snapshots: Snapshot[] = [];
  private newestArrivalMs = 0;
  private renderTick = -Infinity;

  constructor(
    readonly renderDelayTicks = DEFAULT_RENDER_DELAY_TICKS,
    /** States kept; must exceed the render delay plus the longest expected gap. */
    private readonly capacity = 64,
  ) {}

  /** Feeds one received state: its `tick` and the poses of the players to interpolate. */
  push(tick: number, nowMs: number, poses: Iterable<[string, Pose]>): void {
    const newest = this.snapshots[this.snapshots.length - 1];
    if (newest && tick <= newest.tick) return;
    const copy = new Map<string, Pose>();
    for (const [id, p] of poses) copy.set(id, { x: p.x, y: p.y, angle: p.angle });
    this.snapshots.push({ tick, poses: copy });
    if (this.snapshots.length > this.capacity) this.snapshots.shift();
    this.newestArrivalMs = nowMs;
  }

  /**
   * Moves the render clock to `nowMs` (once per frame) and returns the tick shown:
   * the newest tick minus the delay, advanced by the local time since it arrived,
   * never past the newest state, never backwards.
   */
  advance(nowMs: number): number {
    const newest = this.snapshots[this.snapshots.length - 1];
    if (!newest) return this.renderTick;
    const target = newest.tick - this.renderDelayTicks + (nowMs - this.newestArrivalMs) / TICK_MS;
    this.renderTick = Math.max(this.renderTick, Math.min(target, newest.tick), this.snapshots[0].tick);
    return this.renderTick;
  }

  /** The tick to send with a fire input: the state nearest to what is on screen. */
  fireTick(): number {
    return Math.max(0, Math.round(this.renderTick));
  }

  /** A player's pose at the current render tick; undefined before it appears. */
  pose(id: string): Pose | undefined {
    const t = this.renderTick;
    let i = this.snapshots.length - 1;
    while (i > 0 && this.snapshots[i].tick > t) i--;
    const from = this.snapshots[i];
    if (!from) return undefined;
    const a = from.poses.get(id);
    const to = this.snapshots[i + 1];
    const b = to?.poses.get(id);
    if (!a || !b || !to || t <= from.tick) return a;
    const gap = to.tick - from.tick;
    // Further than running could take it (a respawn): show the old pose until the new state's tick.
    const reach = gap * (COMBAT.maxSpeed * TICK_SECONDS + 1 / POSITION_SCALE);
    if (Math.hypot(b.x - a.x, b.y - a.y) > reach) return a;
    const f = (t - from.tick) / gap;
    let turn = b.angle - a.angle;
    if (turn > Math.PI) turn -= 2 * Math.PI;
    else if (turn < -Math.PI) turn += 2 * Math.PI;
    return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, angle: a.angle + turn * f };
  }
}

import { POSITION_SCALE } from "../../schema/scales";
import { ARENA, COMBAT } from "./rules";
import { resolveCircle } from "./geometry";

/** The nearest point of the position grid (see POSITION_SCALE). */
export function onGrid(v: number): number {
  return Math.round(v * POSITION_SCALE) / POSITION_SCALE;
}

/**
 * One fixed step of movement from a stick deflection, each within -1..1
 * (clamped where the input came in: schema/input.ts clampInput); a vector
 * longer than 1 is normalised. The client predicting its own player runs this
 * same function, so it must give bit-identical results everywhere: it uses
 * only + - * / and sqrt (exactly rounded by IEEE 754 on every engine, unlike
 * Math.hypot), and lands on the position grid.
 *
 * Why the grid: the wire carries tenths, and a client reconciles from the wire
 * value. Were the server to keep the unrounded position, its next step would
 * start from a number the client never saw and replay would drift by up to half
 * a tenth per tick. Rounding here makes the server's number and the client's
 * identical. The cost: each tick's displacement is rounded to the grid (at full
 * speed 3.7 units per tick instead of 3.67 along an axis, so speed varies by
 * direction within ±0.05 units per tick), and a deflection under about 1.4%
 * moves nothing.
 */
export function move(x: number, y: number, mx: number, my: number, dt: number): { x: number; y: number } {
  const len2 = mx * mx + my * my;
  if (len2 > 1) {
    const len = Math.sqrt(len2);
    mx /= len;
    my /= len;
  }
  const at = resolveCircle(x + mx * COMBAT.maxSpeed * dt, y + my * COMBAT.maxSpeed * dt, ARENA.playerRadius);
  return { x: onGrid(at.x), y: onGrid(at.y) };
}

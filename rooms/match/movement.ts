import { ARENA, COMBAT } from "./rules";
import { resolveCircle } from "./geometry";

/**
 * One fixed step of movement from a stick intention. Deterministic for the same
 * inputs and dt, so a client predicting its own player runs this same function.
 */
export function move(x: number, y: number, mx: number, my: number, dt: number): { x: number; y: number } {
  const len = Math.hypot(mx, my);
  if (len > 1) {
    mx /= len;
    my /= len;
  }
  return resolveCircle(x + mx * COMBAT.maxSpeed * dt, y + my * COMBAT.maxSpeed * dt, ARENA.playerRadius);
}

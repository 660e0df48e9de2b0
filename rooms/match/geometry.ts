import { ARENA, Rect } from "./rules";

/** Clamp a circle's centre inside the arena and push it out of every obstacle. */
export function resolveCircle(x: number, y: number, r: number): { x: number; y: number } {
  x = Math.min(Math.max(x, r), ARENA.width - r);
  y = Math.min(Math.max(y, r), ARENA.height - r);
  for (const o of ARENA.obstacles) {
    const cx = Math.min(Math.max(x, o.x), o.x + o.w);
    const cy = Math.min(Math.max(y, o.y), o.y + o.h);
    const dx = x - cx;
    const dy = y - cy;
    const d2 = dx * dx + dy * dy;
    if (d2 >= r * r) continue;
    if (d2 > 0) {
      const d = Math.sqrt(d2);
      x = cx + (dx / d) * r;
      y = cy + (dy / d) * r;
    } else {
      // Centre inside the rectangle: leave by the nearest side.
      const left = x - o.x, right = o.x + o.w - x, top = y - o.y, bottom = o.y + o.h - y;
      const m = Math.min(left, right, top, bottom);
      if (m === left) x = o.x - r;
      else if (m === right) x = o.x + o.w + r;
      else if (m === top) y = o.y - r;
      else y = o.y + o.h + r;
    }
  }
  return { x, y };
}

/** Distance along a unit ray to a circle, or Infinity when the ray misses it. */
export function rayCircle(ox: number, oy: number, dx: number, dy: number, cx: number, cy: number, r: number): number {
  const fx = cx - ox;
  const fy = cy - oy;
  const along = fx * dx + fy * dy;
  if (along < 0) return Infinity;
  const perp2 = fx * fx + fy * fy - along * along;
  if (perp2 > r * r) return Infinity;
  return along - Math.sqrt(r * r - perp2);
}

/** Distance along a unit ray to a rectangle (slab method), or Infinity. */
export function rayRect(ox: number, oy: number, dx: number, dy: number, rect: Rect): number {
  let tmin = 0;
  let tmax = Infinity;
  for (const [o, d, lo, hi] of [[ox, dx, rect.x, rect.x + rect.w], [oy, dy, rect.y, rect.y + rect.h]]) {
    if (d === 0) {
      if (o < lo || o > hi) return Infinity;
      continue;
    }
    let t1 = (lo - o) / d;
    let t2 = (hi - o) / d;
    if (t1 > t2) [t1, t2] = [t2, t1];
    tmin = Math.max(tmin, t1);
    tmax = Math.min(tmax, t2);
    if (tmin > tmax) return Infinity;
  }
  return tmin;
}

/** Nearest obstacle along a unit ray. */
export function rayObstacles(ox: number, oy: number, dx: number, dy: number): number {
  let best = Infinity;
  for (const o of ARENA.obstacles) best = Math.min(best, rayRect(ox, oy, dx, dy, o));
  return best;
}

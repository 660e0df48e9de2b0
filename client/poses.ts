import { headingRadians, POSITION_SCALE } from "../schema/scales";
import type { Pose } from "./interpolation";

/** A player's pose as the wire carries it (PlayerState fits): tenths of a unit, 1/256 of a turn. */
export interface WirePose {
  x: number;
  y: number;
  angle: number;
}

/** World units and radians from the wire's fixed point (divided, as the prediction contract asks). */
export function worldPose(p: WirePose): Pose {
  return { x: p.x / POSITION_SCALE, y: p.y / POSITION_SCALE, angle: headingRadians(p.angle) };
}

/** Every player's world pose but `except`'s: what one state feeds to Interpolation.push. */
export function posesOf(players: { forEach(cb: (p: WirePose, id: string) => void): void }, except?: string): [string, Pose][] {
  const poses: [string, Pose][] = [];
  players.forEach((p, id) => {
    if (id !== except) poses.push([id, worldPose(p)]);
  });
  return poses;
}

import type { Client, Room } from "colyseus.js";
import { type MatchState, tickOf } from "../schema/MatchState";
import { Interpolation, Pose } from "./interpolation";
import { posesOf } from "./poses";

/** Spectators are sent 30 states a second, not 60: a longer delay keeps two of them around the render tick. */
const SPECTATOR_RENDER_DELAY_TICKS = 8;

/**
 * A read-only view of a match (room `spectate`, any role): the match's public
 * state, everyone interpolated a render delay behind. Takes no seat, sends nothing.
 */
export class Spectator {
  readonly interpolation = new Interpolation(SPECTATOR_RENDER_DELAY_TICKS);

  private constructor(readonly room: Room<MatchState>) {
    room.onStateChange((state) => this.interpolation.push(tickOf(state), performance.now(), posesOf(state.players)));
    // A view only: the identity's user channel is read by MatchSession, SignageDisplay and UserChannel.
    for (const type of ["user", "gap", "reset"]) room.onMessage(type, () => {});
  }

  static async watch(client: Client, matchId: string): Promise<Spectator> {
    return new Spectator(await client.joinOrCreate<MatchState>("spectate", { match: matchId }));
  }

  get state(): MatchState {
    return this.room.state;
  }

  /** Every player's pose at `nowMs` (performance.now() time): call once per rendered frame. */
  frame(nowMs: number = performance.now()): Map<string, Pose> {
    this.interpolation.advance(nowMs);
    const poses = new Map<string, Pose>();
    this.room.state.players?.forEach((_p, id) => {
      const pose = this.interpolation.pose(id);
      if (pose) poses.set(id, pose);
    });
    return poses;
  }

  /** Called once when the view ends: 4410 when the match is gone. */
  onEnd(listener: (code: number) => void): void {
    this.room.onLeave(listener);
  }

  leave(): Promise<number> {
    return this.room.leave(true);
  }
}

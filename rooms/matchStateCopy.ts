import type { PlayerSim, Simulation } from "./match/Simulation";
import { ANGLE_SCALE, MatchState, PlayerState, POSITION_SCALE } from "../schema/MatchState";

/**
 * The simulation's state copied into the schema, once per tick: MatchRoom does
 * it before each patch, and the encoding micro-benchmark with it. Setting an
 * unchanged value costs nothing on the wire.
 */
export function copyMatchState(sim: Simulation, state: MatchState): void {
  state.tick = sim.tick;
  state.phase = sim.phase;
  state.timeLeft = Math.ceil(sim.phaseTimeLeft);
  state.redScore = sim.scores.red;
  state.blueScore = sim.scores.blue;
  state.winner = sim.winner;
  for (const p of sim.players.values()) {
    const view = state.players.get(p.id);
    if (view) copyPlayerState(p, view);
  }
}

/** One player in wire units: fixed-point position and angle, reload in tenths of a second. */
export function copyPlayerState(p: PlayerSim, view: PlayerState): void {
  view.team = p.team;
  view.x = Math.round(p.x * POSITION_SCALE);
  view.y = Math.round(p.y * POSITION_SCALE);
  view.angle = Math.round(p.angle * ANGLE_SCALE);
  view.hp = p.hp;
  view.ack = p.ack;
  view.connected = p.connected;
  view.kills = p.kills;
  view.deaths = p.deaths;
  view.ammo = p.ammo;
  view.reloading = Math.ceil(p.reloadIn * 10);
  // Beyond the input the next tick applies: arrival jitter alone (0 or 1 waiting) shows as 0, so this
  // player-private field changes (and costs a per-client view encode) only when a backlog builds.
  view.queued = Math.max(0, p.queue.length - 1);
}

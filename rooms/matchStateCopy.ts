import type { MatchEvent, PlayerSim, Simulation } from "./match/Simulation";
import { TICK_RATE } from "./match/rules";
import { headingUnits, MatchState, PlayerState, POSITION_SCALE, setAck, setTick } from "../schema/MatchState";

/**
 * The simulation's state copied into the schema, once per tick, with the events
 * the tick drained: MatchRoom does it before each patch, and the encoding
 * micro-benchmark with it. Fields the rules may change on any tick are copied
 * every tick; the scoreboard fields only for the players an event names (each
 * schema setter call costs, changed or not, and these change a few times a
 * round). Setting an unchanged value costs nothing on the wire.
 */
export function copyMatchState(sim: Simulation, state: MatchState, events: readonly MatchEvent[]): void {
  setTick(state, sim.tick);
  state.phase = sim.phase;
  state.timeLeft = Math.ceil(sim.phaseTimeLeft);
  state.redScore = sim.scores.red;
  state.blueScore = sim.scores.blue;
  state.winner = sim.winner;
  for (const p of sim.players.values()) {
    const view = state.players.get(p.id);
    if (view) copyPlayerTick(p, view, sim.tick);
  }
  for (const event of events) {
    if (event.type === "kill") {
      copyRecordOf(sim, state, event.killer);
      copyRecordOf(sim, state, event.victim);
    } else if (event.type === "team-changed" || event.type === "connection") {
      copyRecordOf(sim, state, event.player);
    } else {
      // A phase change: a new round resets every player's kills and deaths.
      for (const p of sim.players.keys()) copyRecordOf(sim, state, p);
    }
  }
}

/** One player, every field: on join (`tick`: the simulation's current tick). */
export function copyPlayerState(p: PlayerSim, view: PlayerState, tick: number): void {
  copyPlayerRecord(p, view);
  copyPlayerTick(p, view, tick);
}

/**
 * What the rules may change on any tick, in wire units: fixed-point position
 * and angle, health, the applied input (as its distance from `tick`), magazine, the tick the reload ends on, backlog.
 */
function copyPlayerTick(p: PlayerSim, view: PlayerState, tick: number): void {
  view.x = Math.round(p.x * POSITION_SCALE);
  view.y = Math.round(p.y * POSITION_SCALE);
  view.angle = headingUnits(p.angle);
  view.hp = p.hp;
  setAck(view, tick, p.ack);
  view.ammo = p.ammo;
  // The rules count the reload down in whole steps: it ends after this many more ticks.
  view.reloadDoneTick = p.reloadIn > 0 ? tick + Math.round(p.reloadIn * TICK_RATE) : 0;
  // Beyond the input the next tick applies: arrival jitter alone (0 or 1 waiting) shows as 0, so this
  // player-private field changes (and costs a per-client view encode) only when a backlog builds.
  view.queued = Math.max(0, p.queue.length - 1);
}

/** What changes only with an event: team (rebalance), connection, kills and deaths (kills, a new round). */
function copyPlayerRecord(p: PlayerSim, view: PlayerState): void {
  view.team = p.team;
  view.connected = p.connected;
  view.kills = p.kills;
  view.deaths = p.deaths;
}

function copyRecordOf(sim: Simulation, state: MatchState, id: string): void {
  const p = sim.players.get(id);
  const view = state.players.get(id);
  if (p && view) copyPlayerRecord(p, view);
}

/** The match's own fields: all public. */
export const MATCH_FIELDS = ["phase", "redScore", "blueScore", "timeLeft", "winner", "tickLow", "tickHigh"] as const satisfies readonly (keyof MatchState)[];

/**
 * Each player's fields that anyone may see, spectators included: not the team-
 * or player-private ones (views, schema/MatchState.ts), nor `ackBase` and `ackOffset` (its owner's business).
 */
export const PUBLIC_PLAYER_FIELDS = ["name", "team", "x", "y", "angle", "hp", "connected", "kills", "deaths"] as const satisfies readonly (keyof PlayerState)[];

/**
 * A match's public state into another MatchState (a spectator room's): every
 * player's public fields, players gone removed. Setting an unchanged value costs
 * nothing on the wire.
 */
export function copyPublicState(from: MatchState, to: MatchState): void {
  copyFields(from, to, MATCH_FIELDS);
  from.players.forEach((p, id) => {
    let copy = to.players.get(id);
    if (!copy) to.players.set(id, (copy = new PlayerState()));
    copyFields(p, copy, PUBLIC_PLAYER_FIELDS);
  });
  const left = [...to.players.keys()].filter((id) => !from.players.has(id));
  for (const id of left) to.players.delete(id);
}

function copyFields<T, K extends keyof T>(from: T, to: T, fields: readonly K[]): void {
  for (const field of fields) to[field] = from[field];
}

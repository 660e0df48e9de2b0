import { MapSchema, Schema, type, view } from "@colyseus/schema";
import { ANGLE_SCALE, headingRadians, headingUnits, POSITION_SCALE } from "./scales";

export { ANGLE_SCALE, headingRadians, headingUnits, POSITION_SCALE };

/** StateView tags: TEAM fields reach the player's teammates (and itself), SELF fields only the player. */
export const TEAM_VIEW = 1;
export const SELF_VIEW = 2;

export class PlayerState extends Schema {
  @type("string") name = "";
  @type("string") team = "";
  @type("int16") x = 0;
  @type("int16") y = 0;
  /** Facing, 1/256 of a turn (headingRadians). */
  @type("int8") angle = 0;
  @type("uint8") hp = 0;
  /**
   * The last input the server applied, as its distance from the state's `tick`: its seq is
   * `tick - ackOffset` (`ackOf`), which clients reconcile predictions against. A client sending one input
   * per tick keeps the distance constant, so on most ticks it costs no byte, where the seq itself changed
   * every tick for every player and was a third of each client's patch (loadtest/patchBytesByField.ts).
   */
  @type("int32") ackOffset = 0;
  @type("boolean") connected = true;
  @type("uint16") kills = 0;
  @type("uint16") deaths = 0;
  /** Team-private: rounds left in the magazine. */
  @view(TEAM_VIEW) @type("uint8") ammo = 0;
  /**
   * Team-private: the `tick` at which the magazine is full again; 0 when not
   * reloading (time left: (reloadDoneTick - tick) / 60 s). A deadline rather
   * than a countdown: it changes twice per reload instead of every tenth of a
   * second, and each change of a private field makes that tick's patch go per
   * client (docs/benchmarks.md, "The reload deadline").
   */
  @view(TEAM_VIEW) @type("uint32") reloadDoneTick = 0;
  /** Player-private: inputs waiting in the server's queue beyond the one the next tick applies (a client sending too fast sees it grow). */
  @view(SELF_VIEW) @type("uint8") queued = 0;
}

/** The seq of the last input the server applied for `player`, as of `state` (0: none yet). */
export function ackOf(state: TickFields, player: Pick<PlayerState, "ackOffset">): number {
  return tickOf(state) - player.ackOffset;
}

type TickFields = Pick<MatchState, "tickLow" | "tickHigh">;
/** Ticks per change of `tickHigh`. */
const TICKS_PER_HIGH = 256;

/** The simulation tick a state shows. */
export function tickOf(state: TickFields): number {
  return state.tickHigh * TICKS_PER_HIGH + state.tickLow;
}

/** Writes `tick` into the state's two tick fields. */
export function setTick(state: TickFields, tick: number): void {
  state.tickLow = tick % TICKS_PER_HIGH;
  state.tickHigh = Math.floor(tick / TICKS_PER_HIGH);
}

export class MatchState extends Schema {
  @type({ map: PlayerState }) players = new MapSchema<PlayerState>();
  @type("string") phase = "waiting";
  @type("uint16") redScore = 0;
  @type("uint16") blueScore = 0;
  /** Whole seconds left in the current phase (0 while waiting). */
  @type("uint16") timeLeft = 0;
  /** "red", "blue", "draw" while ended; "" otherwise. */
  @type("string") winner = "";
  /**
   * Simulation ticks run so far, `tickOf(state)`: a fire input sends the tick its client was showing (lag
   * compensation), and the acknowledged input is counted from it. Split in two so that a patch carries one
   * byte of it: `tickLow` changes every tick, `tickHigh` every 256 ticks (4.3 s), and when both change
   * they do in the same patch, so a state read after any patch gives the whole tick. As one uint32 it cost
   * 5 of each client's 104.5 bytes a tick (loadtest/patchBytesByField.ts).
   */
  @type("uint8") tickLow = 0;
  @type("uint32") tickHigh = 0;
}

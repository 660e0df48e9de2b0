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
   * The last input the server applied, as its distance from the state's tick: its seq is
   * `tickOf(state) - ackBase - ackOffset` (`ackOf`), which clients reconcile predictions against. A client
   * sending one input per tick keeps the distance constant, so on most ticks it costs no byte, where the
   * seq itself changed every tick for every player and was a third of each client's patch
   * (loadtest/patchBytesByField.ts). `ackBase` holds the distance's large part and changes seldom;
   * `ackOffset` what arrival jitter moves it by (a tick that found no input, the next one that applied
   * two), kept within -32..127 so that its change costs one varint byte, not an int32's four.
   */
  @type("number") ackBase = 0;
  @type("number") ackOffset = 0;
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
export function ackOf(state: TickFields, player: Pick<PlayerState, "ackBase" | "ackOffset">): number {
  return tickOf(state) - player.ackBase - player.ackOffset;
}

/** The range of `ackOffset` a varint holds in one byte. */
const ONE_BYTE_OFFSETS = { min: -32, max: 127 };

/** Writes the applied input's seq `ack` as of `tick` into the player's two ack fields. */
export function setAck(player: Pick<PlayerState, "ackBase" | "ackOffset">, tick: number, ack: number): void {
  const distance = tick - ack;
  let offset = distance - player.ackBase;
  // Out of one byte's range (the first input, or a player who stopped sending for two seconds): a new base.
  if (offset < ONE_BYTE_OFFSETS.min || offset > ONE_BYTE_OFFSETS.max) {
    player.ackBase = distance;
    offset = 0;
  }
  player.ackOffset = offset;
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

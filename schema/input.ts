/**
 * The `input` message: one tick of a player's input. The same type in both wire
 * forms (the msgpack object checked in schema/messages.ts, the binary frame of
 * schema/inputFrame.ts), in the rules' queues (rooms/match/) and in the SDK's
 * prediction. No imports: the SDK bundles it for browsers.
 */
export interface PlayerInput {
  /** 1 or more, rising per player; the state's `ack` is the last one applied. */
  seq: number;
  /** Stick deflection, -1..1 each once clamped. */
  mx: number;
  my: number;
  /** Radians, within [-π, π] once clamped; 0 faces +x. */
  aim: number;
  fire: boolean;
  /** The server tick the client was showing; a shot is judged against that tick (lag compensation). */
  tick?: number;
}

/** What a player's controls say for one tick: the SDK numbers it and adds the tick a fire was aimed at. */
export type PlayerControls = Omit<PlayerInput, "seq" | "tick">;

/** A stick deflection within -1..1. */
export function clampStick(v: number): number {
  return Math.min(1, Math.max(-1, v));
}

/** Any finite angle as the same direction within [-π, π]; one already there is kept to the bit. */
export function wrapAim(radians: number): number {
  return Math.abs(radians) <= Math.PI ? radians : Math.atan2(Math.sin(radians), Math.cos(radians));
}

/**
 * Brings `input` (in place) into the range the rules take: the one clamp, run
 * by the room on every input it reads, so a slightly-off client is corrected
 * rather than cut off. True when a stick was out of range (the server counts
 * those). The SDK's prediction runs it too, to predict with what the server applies.
 */
export function clampInput(input: PlayerInput): boolean {
  const { mx, my } = input;
  input.mx = clampStick(mx);
  input.my = clampStick(my);
  input.aim = wrapAim(input.aim);
  return input.mx !== mx || input.my !== my;
}

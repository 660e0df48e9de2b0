import { clampStick, PlayerInput, wrapAim } from "./input";
import { ANGLE_SCALE } from "./scales";

/**
 * The binary form of `input`, sent with colyseus.js `room.sendBytes("input", frame)`:
 * one input of 13 bytes, or two (26 bytes) whose seqs follow each other, which
 * the server queues in order (a client sending at 30 Hz, two ticks' inputs a
 * frame). Each input, little-endian:
 *
 *   0  uint32  seq (1 or more)
 *   4  int8    mx x 127
 *   5  int8    my x 127
 *   6  int16   aim x ANGLE_SCALE (radians in 1/10000)
 *   8  uint8   flags: bit 0 fire, bit 1 tick present; the other bits must be 0
 *   9  uint32  tick (0 when bit 1 is clear)
 *
 * Why a second form: an input comes 60 times a second from every player, and the
 * msgpack form costs the server a record-definition decode and an object check
 * per message (docs/benchmarks.md, "Binary input frame"). The integer types bound every
 * field, so checking a frame is its length, its flag bits and seq >= 1.
 */
export const INPUT_FRAME_BYTES = 13;
/** Inputs one frame may carry. */
export const MAX_INPUTS_PER_FRAME = 2;

const STICK_SCALE = 127;
const FIRE = 0b01;
const HAS_TICK = 0b10;
/** Largest aim in wire units that stays inside (-π, π). */
const AIM_LIMIT = Math.floor(Math.PI * ANGLE_SCALE);

/**
 * `input` with the stick and aim the server will read back from its frame (and
 * leave as they are when it clamps): the client predicts with exactly these.
 */
export function quantizeInput<T extends Pick<PlayerInput, "mx" | "my" | "aim">>(input: T): T {
  return { ...input, mx: stickUnits(input.mx) / STICK_SCALE, my: stickUnits(input.my) / STICK_SCALE, aim: aimUnits(input.aim) / ANGLE_SCALE };
}

/** Writes `input` into `out` (reuse one buffer per sender; colyseus.js copies it on send). */
export function encodeInputFrame(input: PlayerInput, out = new Uint8Array(INPUT_FRAME_BYTES)): Uint8Array {
  writeInput(input, out, 0);
  return out.length === INPUT_FRAME_BYTES ? out : out.subarray(0, INPUT_FRAME_BYTES);
}

/** Writes one or two inputs with consecutive seqs into `out` (of at least their bytes); returns the frame. */
export function encodeInputFrames(inputs: readonly PlayerInput[], out = new Uint8Array(inputs.length * INPUT_FRAME_BYTES)): Uint8Array {
  inputs.forEach((input, i) => writeInput(input, out, i * INPUT_FRAME_BYTES));
  return out.subarray(0, inputs.length * INPUT_FRAME_BYTES);
}

/** The inputs a frame carries, in order (not clamped yet: -128 reads as a stick below -1), or why it is refused. */
export function decodeInputFrame(frame: Uint8Array): PlayerInput[] | string {
  const count = frame.length / INPUT_FRAME_BYTES;
  if (!Number.isInteger(count) || count < 1 || count > MAX_INPUTS_PER_FRAME) {
    return `input frame must be ${INPUT_FRAME_BYTES} bytes (one input) or ${INPUT_FRAME_BYTES * MAX_INPUTS_PER_FRAME} (two), got ${frame.length}`;
  }
  const inputs: PlayerInput[] = [];
  for (let i = 0; i < count; i++) {
    const input = readInput(frame, i * INPUT_FRAME_BYTES);
    if (typeof input === "string") return input;
    if (i > 0 && input.seq !== inputs[i - 1].seq + 1) return `the inputs of a frame must have consecutive seqs, got ${inputs[i - 1].seq} then ${input.seq}`;
    inputs.push(input);
  }
  return inputs;
}

function writeInput(input: PlayerInput, out: Uint8Array, at: number): void {
  writeUint32(out, at, input.seq);
  out[at + 4] = stickUnits(input.mx) & 0xff;
  out[at + 5] = stickUnits(input.my) & 0xff;
  const aim = aimUnits(input.aim);
  out[at + 6] = aim & 0xff;
  out[at + 7] = (aim >> 8) & 0xff;
  out[at + 8] = (input.fire ? FIRE : 0) | (input.tick !== undefined ? HAS_TICK : 0);
  writeUint32(out, at + 9, input.tick ?? 0);
}

function readInput(frame: Uint8Array, at: number): PlayerInput | string {
  const flags = frame[at + 8];
  if (flags & ~(FIRE | HAS_TICK)) return `input frame flags ${flags} has unknown bits`;
  const seq = readUint32(frame, at);
  if (seq === 0) return "input frame seq must be 1 or more";
  const input: PlayerInput = {
    seq,
    mx: ((frame[at + 4] << 24) >> 24) / STICK_SCALE,
    my: ((frame[at + 5] << 24) >> 24) / STICK_SCALE,
    aim: (((frame[at + 6] | (frame[at + 7] << 8)) << 16) >> 16) / ANGLE_SCALE,
    fire: (flags & FIRE) !== 0,
  };
  if (flags & HAS_TICK) input.tick = readUint32(frame, at + 9);
  return input;
}

function stickUnits(v: number): number {
  return Math.round(clampStick(v) * STICK_SCALE);
}

function aimUnits(radians: number): number {
  return Math.max(-AIM_LIMIT, Math.min(AIM_LIMIT, Math.round(wrapAim(radians) * ANGLE_SCALE)));
}

function writeUint32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

function readUint32(frame: Uint8Array, at: number): number {
  return (frame[at] | (frame[at + 1] << 8) | (frame[at + 2] << 16) | (frame[at + 3] << 24)) >>> 0;
}

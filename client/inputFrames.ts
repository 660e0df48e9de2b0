import type { PlayerInput } from "../schema/input";
import { encodeInputFrames, INPUT_FRAME_BYTES, MAX_INPUTS_PER_FRAME } from "../schema/inputFrame";

/**
 * Inputs on their way out as binary frames of up to `perFrame` inputs each
 * (schema/inputFrame.ts), one reused buffer: the SDK's session and the bench's
 * bots send through it.
 */
export class InputFrames {
  private readonly unsent: PlayerInput[] = [];
  private readonly buffer = new Uint8Array(INPUT_FRAME_BYTES * MAX_INPUTS_PER_FRAME);

  constructor(private readonly send: (frame: Uint8Array) => void, public perFrame: 1 | 2 = 1) {}

  /** Queues `input` and sends the frame once it holds `perFrame`; says whether an input is still held. */
  add(input: PlayerInput): boolean {
    this.unsent.push(input);
    if (this.unsent.length >= this.perFrame) this.flush();
    return this.unsent.length > 0;
  }

  /** Sends what is held, however few. */
  flush(): void {
    if (this.unsent.length > 0) this.send(encodeInputFrames(this.unsent, this.buffer));
    this.unsent.length = 0;
  }

  /** Forgets what is held without sending it. */
  clear(): void {
    this.unsent.length = 0;
  }
}

/**
 * Own-player prediction, the client half of the prediction contract
 * (docs/protocol.md): inputs apply locally at once with the server's own
 * movement rule and are reconciled on every state. Pure logic: no transport,
 * no server-only import, so it runs in a browser or a bot alike.
 */
import { move } from "../rooms/match/movement";
import { TICK_SECONDS } from "../rooms/match/rules";
import { POSITION_SCALE } from "../schema/scales";
import { clampInput, PlayerInput } from "../schema/input";

/** The own player as the server last said, in wire units (`ack`: `ackOf` its state). */
export interface ServerPlayer {
  /** Tenths of a world unit. */
  x: number;
  y: number;
  /** Seq of the last input the server applied. */
  ack: number;
  hp: number;
}

/** Predicts the own player: inputs apply locally at once and are replayed on each server state. */
export class OwnPlayerPrediction {
  /** Predicted position, world units. */
  x = 0;
  y = 0;
  private readonly pending: PlayerInput[] = [];
  private lastSeq: number;
  private alive = true;

  /** `firstSeq` must be newer than any seq this player sent before (a reconnecting client continues from its last). */
  constructor(firstSeq = 1) {
    this.lastSeq = firstSeq - 1;
  }

  /** Inputs sent and not yet acknowledged. The server queues at most ARENA_INPUT_QUEUE of them. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Forgets the inputs not acknowledged yet, after a reconnection: those in
   * flight when the connection dropped may never arrive, and would otherwise be
   * replayed, and counted as pending, for ever. Seqs go on from the last one.
   */
  forgetPending(): void {
    this.pending.length = 0;
  }

  /**
   * The next input, to send as it is, applied to the prediction at once. It is
   * clamped with the server's own clamp (schema/input.ts), so the prediction
   * moves as the server will. `tick` goes with a fire: the tick the others were
   * shown at (`Interpolation.fireTick()`).
   */
  next(mx: number, my: number, aim: number, fire: boolean, tick?: number): PlayerInput {
    const input: PlayerInput = { seq: ++this.lastSeq, mx, my, aim, fire };
    if (tick !== undefined) input.tick = tick;
    clampInput(input);
    this.pending.push(input);
    this.apply(input);
    return input;
  }

  /**
   * On every state: start again from the server's position (divided here, as
   * n / POSITION_SCALE, to get exactly the server's number), forget what it has
   * applied, and replay the rest with the server's movement rule.
   */
  reconcile(server: ServerPlayer): void {
    while (this.pending.length > 0 && this.pending[0].seq <= server.ack) this.pending.shift();
    this.x = server.x / POSITION_SCALE;
    this.y = server.y / POSITION_SCALE;
    // The dead do not move; inputs sent meanwhile are acknowledged without effect.
    this.alive = server.hp > 0;
    for (const input of this.pending) this.apply(input);
  }

  private apply(input: PlayerInput): void {
    if (!this.alive) return;
    const at = move(this.x, this.y, input.mx, input.my, TICK_SECONDS);
    this.x = at.x;
    this.y = at.y;
  }
}

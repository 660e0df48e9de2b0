import type WebSocket from "ws";
import { FixedStepLoop } from "../../server/runtime/FixedStepLoop";
import { TICK_SECONDS } from "../../rooms/match/rules";
import type { PlayerInput } from "../../schema/input";
import { DEFAULT_RENDER_DELAY_TICKS } from "../../client/interpolation";
import { BotStats } from "./BotStats";
import { FireMode, IntentionGenerator } from "./intentions";

/** The protocol-specific half of a bot: Colyseus (matchBot.ts) or the JSON peer (peers/json/jsonBot.ts). */
export interface BotTransport {
  /** The underlying `ws` socket: downstream bytes are counted on it, the same way for every protocol. */
  readonly socket: WebSocket;
  /** The room this bot plays in and the node (host:port) serving it, where rooms are placed over nodes (Colyseus). */
  readonly placement?: { room: string; node: string };
  sendInput(input: PlayerInput): void;
  /**
   * Calls `listener` for every state received with this bot's own `ack` and the
   * state's `tick` (undefined where the state has none: the peers).
   */
  onState(listener: (ownAck: number, tick: number | undefined) => void): void;
  /** Calls `listener` for every `error` message received. */
  onError(listener: () => void): void;
  onClose(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * A player that sends one input per frame at 60 Hz, like a client rendering at
 * 60 fps: the send clock is drift-corrected, and a late frame is skipped rather
 * than sent twice (a client never renders a frame twice to catch up). A shot
 * claims the tick the client SDK would show the others at (newest state's tick
 * minus its render delay), so Arena judges it with lag compensation.
 */
export class Bot {
  readonly stats = new BotStats();
  readonly placement: { room: string; node: string } | undefined;
  private readonly intentions: IntentionGenerator;
  private readonly loop: FixedStepLoop;
  private seq = 0;
  private newestTick: number | undefined;

  constructor(private readonly transport: BotTransport, seed: number, fireMode: FireMode = "bursts") {
    this.intentions = new IntentionGenerator(seed, fireMode);
    this.placement = transport.placement;
    transport.socket.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      this.stats.bytes += Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
    });
    transport.onState((ack, tick) => {
      this.stats.stateReceived(ack, performance.now());
      this.newestTick = tick;
    });
    transport.onError(() => this.stats.errors++);
    transport.onClose(() => {
      this.stats.disconnected = true;
      this.loop.stop();
    });
    this.loop = new FixedStepLoop({
      stepSeconds: TICK_SECONDS,
      maxCatchUpSteps: 1,
      step: () => this.sendFrame(),
      afterSteps: () => {},
      onError: (error) => {
        throw error;
      },
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.loop.stop();
    await this.transport.close();
  }

  private sendFrame(): void {
    const seq = ++this.seq;
    const intention = this.intentions.next();
    this.stats.sent(seq, performance.now());
    if (intention.fire && this.newestTick !== undefined) {
      this.transport.sendInput({ seq, ...intention, tick: Math.max(0, this.newestTick - DEFAULT_RENDER_DELAY_TICKS) });
    } else {
      this.transport.sendInput({ seq, ...intention });
    }
  }
}

import type WebSocket from "ws";
import { FixedStepLoop } from "../../server/FixedStepLoop";
import { TICK_SECONDS } from "../../rooms/match/rules";
import type { InputMessage } from "../../schema/messages";
import { BotStats } from "./BotStats";
import { IntentionGenerator } from "./intentions";

/** The protocol-specific half of a bot: Colyseus (matchBot.ts) or the JSON peer (peers/json/jsonBot.ts). */
export interface BotTransport {
  /** The underlying `ws` socket: downstream bytes are counted on it, the same way for every protocol. */
  readonly socket: WebSocket;
  sendInput(input: InputMessage): void;
  /** Calls `listener` with this bot's own `ack` for every state received. */
  onState(listener: (ownAck: number) => void): void;
  /** Calls `listener` for every `error` message received. */
  onError(listener: () => void): void;
  onClose(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * A player that sends one input per frame at 60 Hz, like a client rendering at
 * 60 fps: the send clock is drift-corrected, and a late frame is skipped rather
 * than sent twice (a client never renders a frame twice to catch up).
 */
export class Bot {
  readonly stats = new BotStats();
  private readonly intentions: IntentionGenerator;
  private readonly loop: FixedStepLoop;
  private seq = 0;

  constructor(private readonly transport: BotTransport, seed: number) {
    this.intentions = new IntentionGenerator(seed);
    transport.socket.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      this.stats.bytes += Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
    });
    transport.onState((ack) => this.stats.stateReceived(ack, performance.now()));
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
    this.stats.sent(seq, performance.now());
    this.transport.sendInput({ seq, ...this.intentions.next() });
  }
}

import type { Server as NetServer } from "node:net";
import type WebSocket from "ws";
import type { WebSocketServer } from "ws";

/** A round of pings is spread over the interval in steps this far apart. */
const STEP_MS = 100;

/** What @colyseus/ws-transport keeps on each socket: its pong listener sets `pingCount` back to 0. */
type TrackedSocket = WebSocket & { pingCount?: number };

const noop = () => {};

/**
 * Liveness for every socket of the transport, as @colyseus/ws-transport does it
 * (a socket that answered none of `maxMissed` pings in a row is terminated),
 * but each round spread over the interval, a share of the sockets every
 * STEP_MS: the transport's own timer pings every socket in one loop, and with
 * thousands of displays on a node that loop, and the burst of pongs answering
 * it, delayed a match's ticks every interval (the display benchmark's tick
 * interval p99). The transport's pong listener, kept, counts the answers.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private round: Iterator<TrackedSocket> | undefined;
  private perStep = 0;
  private stepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sockets: WebSocketServer,
    private readonly intervalMs: number,
    private readonly maxMissed: number,
  ) {}

  /** Runs while `server` listens. */
  attach(server: NetServer): void {
    server.on("listening", () => {
      this.timer = setInterval(() => this.startRound(), this.intervalMs);
    });
    server.on("close", () => {
      clearInterval(this.timer);
      clearTimeout(this.stepTimer);
    });
  }

  private startRound(): void {
    // A round still going (a slow node) just carries on: its sockets are not pinged twice.
    if (this.round) return;
    const sockets = this.sockets.clients as Set<TrackedSocket>;
    this.round = sockets.values();
    // Every socket within the interval, the last step a step before it ends.
    this.perStep = Math.max(1, Math.ceil(sockets.size / Math.max(1, Math.floor(this.intervalMs / STEP_MS) - 1)));
    this.step();
  }

  private readonly step = (): void => {
    for (let n = 0; n < this.perStep; n++) {
      const next = this.round!.next();
      if (next.done) {
        this.round = undefined;
        return;
      }
      const socket = next.value;
      if ((socket.pingCount ?? 0) >= this.maxMissed) {
        socket.terminate();
        continue;
      }
      socket.pingCount = (socket.pingCount ?? 0) + 1;
      socket.ping(noop);
    }
    this.stepTimer = setTimeout(this.step, STEP_MS);
  };
}

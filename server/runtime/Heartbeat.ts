import { randomBytes } from "node:crypto";
import type { Server as NetServer } from "node:net";
import type WebSocket from "ws";
import type { WebSocketServer } from "ws";

/**
 * A round of pings is spread over the interval in steps this far apart: at 10,000 sockets and a 3 s
 * interval a step pings 34, where steps of 100 ms pinged 345 at once, several milliseconds of socket
 * writes that a match's tick waited behind (the display benchmark's quiet tick interval p99 at 10,000
 * displays went from 21.3 to 19.4 ms with this step).
 */
const STEP_MS = 10;

/** What Heartbeat keeps on each socket. */
type TrackedSocket = WebSocket & {
  /** The round of the oldest ping not answered yet; undefined when every ping was answered. */
  unansweredSince?: number;
  /** The payload of the last ping sent: the pong that answers it echoes it. */
  lastPing?: Buffer;
};

/**
 * Liveness for every socket of the transport: a socket that answered none of
 * `maxMissed` pings in a row is terminated. Each round is spread over the
 * interval, a share of the sockets every STEP_MS: the transport's own timer
 * pings every socket in one loop, and with thousands of displays on a node
 * that loop, and the burst of pongs answering it, delayed a match's ticks every
 * interval (the display benchmark's tick interval p99).
 *
 * Only a pong that answers a ping counts: each round's pings carry 4 random
 * bytes and a pong must echo those of the last ping the socket was sent. The transport's own listener
 * took any pong, so a client that stopped reading (its socket never sees the
 * pings) stayed "alive" by sending pongs of its own while the server held what
 * it could not write to it.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private round: Iterator<TrackedSocket> | undefined;
  private roundNumber = 0;
  private roundPayload = randomBytes(4);
  private perStep = 0;
  private stepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sockets: WebSocketServer,
    private readonly intervalMs: number,
    private readonly maxMissed: number,
  ) {}

  /** Runs while `server` listens. */
  attach(server: NetServer): void {
    // Registered after the transport's own connection listener: its pong listener is replaced by ours.
    this.sockets.on("connection", (socket: TrackedSocket) => {
      socket.removeAllListeners("pong");
      socket.on("pong", onPong);
    });
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
    this.roundNumber++;
    // A buffer per round: sockets keep the last one they were sent.
    this.roundPayload = randomBytes(4);
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
      if (socket.unansweredSince !== undefined && this.roundNumber - socket.unansweredSince >= this.maxMissed) {
        socket.terminate();
        continue;
      }
      socket.unansweredSince ??= this.roundNumber;
      socket.lastPing = this.roundPayload;
      socket.ping(this.roundPayload, undefined, noop);
    }
    this.stepTimer = setTimeout(this.step, STEP_MS);
  };
}

const noop = () => {};

/** A pong echoing the last ping this socket was sent: the socket is alive. */
function onPong(this: TrackedSocket, data: Buffer): void {
  if (this.lastPing === undefined || !this.lastPing.equals(data)) return;
  this.unansweredSince = undefined;
  this.lastPing = undefined;
}

import type { Socket } from "node:net";
import { Client, Protocol } from "@colyseus/core";
import { CloseCode } from "../../schema/codes";
import type WebSocket from "ws";
import type { HotCounter } from "../metrics";
import { binaryFrame, writeFrame } from "./wsFrame";

// Read once: @colyseus/core's exports are getters, and these are read on every send.
const { ROOM_STATE, ROOM_STATE_PATCH, ROOM_DATA } = Protocol;
/** After the SLOW_CONSUMER close frame, how long a client has to read it before its socket is destroyed. */
const SLOW_CONSUMER_GRACE_MS = 1000;
const WS_OPEN = 1;

type Raw = Client["raw"];

/**
 * The `raw` every client of a room type sends through: counts the bytes by kind;
 * encoded state (patches, the full state) and room messages go out as one framed
 * copy, built once for all the clients the same bytes go to in a row, written to
 * the socket in one write (server/runtime/wsFrame.ts); protocol frames (join,
 * errors) through the transport's own `raw`. One function per room type (`rawOf`), shared by its
 * clients: a closure per client over a bound `raw` made every send an uninlinable call (it showed in
 * the benchmark's CPU profile). One set per server.
 */
export class CountingRaws {
  private readonly byRoomType = new Map<string, Raw>();
  /** Colyseus hands the same encoded patch to every client that shares it. */
  private readonly stateFrames = new LastFrame();
  /** A message encoded once for many clients (a broadcast, a chat line) comes as the same bytes to each. */
  private readonly messageFrames = new LastFrame();
  private readonly slowConsumers = new WeakSet<Client>();
  /** One wait per socket, however many catch-ups wait on it. */
  private readonly drains = new WeakMap<WebSocket, Promise<void>>();

  constructor(
    private readonly bytesSent: HotCounter,
    /** ARENA_MAX_CLIENT_BUFFER_BYTES: unsent bytes one client may hold before it is closed. */
    private readonly maxBufferedBytes: number,
  ) {}

  /** Whether `client` was closed for holding more than the bound unsent (SLOW_CONSUMER). */
  wasSlowConsumer(client: Client): boolean {
    return this.slowConsumers.has(client);
  }

  /**
   * Undefined while `client`'s socket holds less than half the bound unsent:
   * a catch-up may write more. Otherwise a promise settled once the socket
   * has written it all or closed: a catch-up (a display's `after: 0`, a
   * reconnection's missed chat) goes out in slices at the pace the client
   * reads, instead of being buffered whole and closing a client that is only slow.
   */
  whenWritable(client: Client): Promise<void> | undefined {
    const ws = client.ref as WebSocket;
    if (ws.readyState !== WS_OPEN || ws.bufferedAmount <= this.maxBufferedBytes / 2) return undefined;
    let drained = this.drains.get(ws);
    if (!drained) {
      const socket = (ws as unknown as { _socket: Socket })._socket;
      drained = new Promise<void>((resolve) => {
        const settle = () => {
          socket.off("drain", settle);
          socket.off("close", settle);
          this.drains.delete(ws);
          resolve();
        };
        socket.on("drain", settle);
        socket.on("close", settle);
      });
      this.drains.set(ws, drained);
    }
    return drained;
  }

  /** The `raw` every client of `roomType` sends through, over the transport's own (`transportRaw`). Built once per room type. */
  rawOf(roomType: string, transportRaw: Raw): Raw {
    let raw = this.byRoomType.get(roomType);
    if (!raw) {
      const patches = this.bytesSent.tally(roomType, "patch");
      const messages = this.bytesSent.tally(roomType, "message");
      const protocol = this.bytesSent.tally(roomType, "protocol");
      const frames = this;
      raw = function (this: Client, data, options, cb) {
        const kind = data[0];
        (kind === ROOM_STATE_PATCH ? patches : kind === ROOM_DATA ? messages : protocol).value += data.byteLength;
        const ws = this.ref as WebSocket;
        if (cb !== undefined || (kind !== ROOM_STATE_PATCH && kind !== ROOM_STATE && kind !== ROOM_DATA)) transportRaw.call(this, data, options, cb);
        else writeFrame(ws, (kind === ROOM_DATA ? frames.messageFrames : frames.stateFrames).of(data), data.byteLength);
        if (ws.bufferedAmount > frames.maxBufferedBytes) frames.closeSlowConsumer(this, ws);
      };
      this.byRoomType.set(roomType, raw);
    }
    return raw;
  }

  /**
   * Closes a client whose socket holds more than the bound unsent: nothing more
   * is written to it (the socket is no longer open), and what it holds is freed
   * when the socket is destroyed, a second later if it does not close first.
   */
  private closeSlowConsumer(client: Client, ws: WebSocket): void {
    if (this.slowConsumers.has(client)) return;
    this.slowConsumers.add(client);
    ws.close(CloseCode.SLOW_CONSUMER, "slow consumer");
    setTimeout(() => ws.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }
}

/**
 * The WebSocket frame of the last bytes framed, built once for as many clients
 * as they go to in a row. It is also a copy: Colyseus encodes patches into
 * buffers it reuses, so bytes a stalled client's socket still holds would
 * otherwise change under it when the next tick is encoded
 * (test/rooms/stalledClient.test.ts).
 */
class LastFrame {
  private encoded: Uint8Array | undefined;
  private frame: Buffer | undefined;

  of(encoded: Uint8Array): Buffer {
    if (encoded !== this.encoded || this.frame === undefined) {
      this.encoded = encoded;
      this.frame = binaryFrame(encoded);
    }
    return this.frame;
  }
}

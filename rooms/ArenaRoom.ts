import { Client, Room } from "@colyseus/core";
import type { RoomException } from "@colyseus/core";
import { CloseCode, ErrorCode, ErrorMessage } from "../schema/codes";
import { ArenaConfig, loadConfig } from "../server/config";
import { bytesSent, disconnects, errorsSent, liveRooms, messagesIn } from "../server/metrics";
import { logger } from "../server/logger";

interface Strikes {
  count: number;
  windowStart: number;
}

/**
 * What every Arena room does at the transport boundary, whatever its game:
 * frame size limit, undecodable frames and unknown types answered with `error`,
 * repeated offences closed with PROTOCOL_VIOLATION, handler exceptions contained,
 * and the per-room metrics. Subclasses register their own message handlers.
 *
 * It hooks three protected Colyseus 0.16 internals (_onJoin, _onMessage,
 * _onLeave) because 0.16 exposes no public per-frame or per-socket hook.
 */
export abstract class ArenaRoom<State extends object = any> extends Room<State> {
  protected readonly config: ArenaConfig = loadConfig();
  private readonly strikes = new WeakMap<Client, Strikes>();
  private readonly kicked = new WeakSet<Client>();

  constructor() {
    super();
    liveRooms.add(this);
    this.onMessage("*", (client, type) => {
      messagesIn.labels(this.roomName, "unknown").inc();
      this.refuse(client, ErrorCode.UNKNOWN_TYPE, `unknown message type ${JSON.stringify(String(type)).slice(0, 64)}`);
    });
  }

  /** Sends `error` to the client and counts a strike; past the limit the client is closed. */
  protected refuse(client: Client, code: ErrorCode, message: string): void {
    const payload: ErrorMessage = { code, message };
    client.send("error", payload);
    errorsSent.labels(code).inc();
    const now = Date.now();
    let s = this.strikes.get(client);
    if (!s || now - s.windowStart > this.config.ARENA_STRIKE_WINDOW_SECONDS * 1000) {
      s = { count: 0, windowStart: now };
      this.strikes.set(client, s);
    }
    if (++s.count >= this.config.ARENA_STRIKE_LIMIT) {
      logger.warn({ room: this.roomId, session: client.sessionId, code }, "closing client after repeated refused messages");
      this.kick(client, CloseCode.PROTOCOL_VIOLATION);
    }
  }

  /** Closes a client for cause: its seat is not held for a reconnection. */
  protected kick(client: Client, code: CloseCode): void {
    this.kicked.add(client);
    client.leave(code);
  }

  protected wasKicked(client: Client): boolean {
    return this.kicked.has(client);
  }

  onUncaughtException(error: RoomException<this>, methodName: string): void {
    logger.error({ room: this.roomId, type: this.roomName, method: methodName, err: error.cause ?? error }, "uncaught exception in room");
  }

  override async ["_onJoin"](...args: Parameters<Room["_onJoin"]>): Promise<void> {
    const [client] = args;
    const counter = bytesSent.labels(this.roomName);
    const raw = client.raw.bind(client);
    client.raw = (data, options, cb) => {
      counter.inc(data.byteLength);
      raw(data, options, cb);
    };
    await super._onJoin(...args);
  }

  protected override _onMessage(client: Client & Parameters<Room["_onMessage"]>[0], buffer: Buffer): void {
    if (buffer.byteLength > this.config.ARENA_MAX_MESSAGE_BYTES) {
      this.refuse(client, ErrorCode.MESSAGE_TOO_LARGE, `message of ${buffer.byteLength} bytes exceeds ${this.config.ARENA_MAX_MESSAGE_BYTES}`);
      return;
    }
    try {
      super._onMessage(client, buffer);
    } catch (error) {
      // Colyseus decodes the type name outside its own try: garbage there would escape to the socket.
      this.refuse(client, ErrorCode.INVALID_MESSAGE, "undecodable message");
    }
  }

  protected override async _onLeave(client: Client, code?: number): Promise<void> {
    disconnects.labels(this.roomName, String(code ?? 0)).inc();
    return super._onLeave(client, code);
  }

  protected override _dispose(): Promise<unknown> {
    liveRooms.delete(this);
    return super._dispose();
  }
}

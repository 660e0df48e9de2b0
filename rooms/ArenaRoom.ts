import { Client, Room, ServerError } from "@colyseus/core";
import type { AuthContext, RoomException } from "@colyseus/core";
import { CloseCode, closeCodeMeaning, ErrorCode, ErrorMessage } from "../schema/codes";
import { describeIssues, USER_POST, UserPost } from "../schema/messages";
import { ApiError } from "../server/ApiError";
import type { Identity, Role } from "../server/auth/identity";
import type { ArenaConfig } from "../server/config";
import { isWellFormedFrame } from "../server/runtime/frameCheck";
import { adoptJoiningClient } from "../server/runtime/clientShape";
import { RateLimit, TokenBucket } from "../server/runtime/TokenBucket";
import { ArenaMetrics, RelayRecorder, Tally } from "../server/metrics";
import { logger } from "../server/logger";
import type { SeatOwners } from "../server/limits/reconnectGuard";
import type { SeatHolder } from "../server/limits/SeatLimits";
import type { Admitted } from "../server/admission";
import type { ArenaContext } from "./ArenaContext";
import type { ChannelPosition } from "./fanout/Fanout";
import type { SessionWriter } from "./fanout/Audiences";
import { UserFeeds } from "./user/UserFeeds";

interface Window {
  count: number;
  startMs: number;
}

const WS_OPEN = 1;

/** A device's posts to its own user channel, per client, in any room. */
const USER_POST_RATE: RateLimit = { perSecond: 10, burst: 20 };


/**
 * What every Arena room does at the transport boundary, whatever its game:
 * admission by token and role, frame size limit, per-type message rates,
 * undecodable frames and unknown types answered with `error`, repeated offences
 * closed, handler exceptions contained, and the per-room metrics. Subclasses
 * declare `allowedRoles` and `messageRates` and register their handlers.
 *
 * It hooks three protected Colyseus 0.16 internals (_onJoin, _onMessage,
 * _onLeave) because 0.16 exposes no public per-frame or per-socket hook.
 */
export abstract class ArenaRoom<State extends object = any> extends Room<State> implements SeatOwners {
  /** Connected clients by sessionId (a held seat has none until it reconnects): `this.clients.getById` scans the room, per call. */
  private readonly connected = new Map<string, Client>();
  /** Whom each seat counts against (its address and identity), from its reservation until it is given up. */
  private readonly seatHolders = new Map<string, SeatHolder>();
  /** Per reservation not taken up yet: the check that gives its seat back if it never is (cleared on join). */
  private readonly unusedSeatChecks = new Map<string, ReturnType<Room["clock"]["setTimeout"]>>();
  /** Roles whose tokens this room admits; least privilege unless a room says otherwise. */
  static allowedRoles: readonly Role[] = ["player"];
  /** This server's shared context; set on the class each definition registers (`withContext`). */
  static context?: ArenaContext;

  protected readonly context: ArenaContext = contextOf(this.constructor as typeof ArenaRoom);
  protected readonly config: ArenaConfig = this.context.config;
  protected readonly metrics: ArenaMetrics = this.context.metrics;
  /** Reaches a connected client by sessionId: what channel audiences write through. */
  protected readonly sessions: SessionWriter = {
    send: (sessionId, type, message) => {
      const client = this.connected.get(sessionId);
      if (client) this.sendTo(client, type, message);
    },
    sendEncoded: (sessionId, type, bytes) => {
      const client = this.connected.get(sessionId);
      if (client) this.sendEncoded(client, type, bytes);
    },
    whenWritable: (sessionId) => {
      const client = this.connected.get(sessionId);
      return client && this.context.raws.whenWritable(client);
    },
  };
  /** Each connection's feed of its identity's user channel; rooms open it as a client joins (`openUserFeed`). */
  protected readonly userFeeds = new UserFeeds(this.context.fanout, this.sessions, new RelayRecorder(this.metrics, "user"), this.metrics.userConnections);
  /** Read on every client frame: a field of the room rather than a lookup in the config. */
  private readonly maxMessageBytes = this.config.ARENA_MAX_MESSAGE_BYTES;
  /**
   * Per-client rate of each message type the room handles. `onMessage` refuses
   * to register a type without one, so no handler is ever unlimited.
   */
  protected readonly messageRates: Readonly<Record<string, RateLimit>> = {};
  private readonly strikes = new WeakMap<Client, Window>();
  private readonly drops = new WeakMap<Client, Window>();
  private readonly kicked = new WeakSet<Client>();
  /** What the socket layer refused of a client, by its socket (logged with the close code when it leaves). */
  private readonly socketErrors = new WeakMap<object, string>();
  /** Every client's socket `error` listener: one per room, where a closure per client was memory every display paid. */
  private readonly noteSocketError = socketErrorListener(this.socketErrors);
  private readonly outTallies = new Map<string, Tally>();

  /**
   * Matchmaking calls this with the HTTP Authorization bearer token before any
   * room is found, created or reserved (static, so no room work is done for a
   * refused request). What it returns becomes `client.auth` on join.
   * Refusals reach colyseus.js as a MatchMakeError: `code` the HTTP status,
   * `message` starting with the error code (`token_expired: ...`).
   */
  static override async onAuth(token: string, _options: unknown, context: AuthContext): Promise<Admitted> {
    try {
      return await contextOf(this).admission.admit(token, context, this.allowedRoles);
    } catch (error) {
      if (error instanceof ApiError) throw new ServerError(error.status, `${error.code}: ${error.message}`);
      throw error;
    }
  }

  constructor() {
    super();
    this.setSeatReservationTime(this.config.ARENA_SEAT_RESERVATION_SECONDS);
    this.metrics.liveRooms.add(this);
    this.onMessage("*", (client, type) => {
      this.metrics.messagesIn.tally(this.roomName, "unknown").value++;
      this.refuse(client, ErrorCode.UNKNOWN_TYPE, `unknown message type ${JSON.stringify(String(type)).slice(0, 64)}`);
    });
    // Every room takes a device's post to its own user channel.
    this.handle(USER_POST, USER_POST_RATE, (client, message) => this.onUserPost(client, message));
  }

  /** Starts `client`'s feed of its identity's user channel, from `from` (a device catching up) or from now on. */
  protected openUserFeed(client: Client, from?: ChannelPosition): void {
    this.userFeeds.open(client.sessionId, this.identity(client).sub, from);
  }

  private onUserPost(client: Client, message: unknown): void {
    const parsed = UserPost.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `user refused: ${describeIssues(parsed.error)}`);
    this.userFeeds.post(client.sessionId, this.identity(client).sub, parsed.data.payload).catch((error: unknown) => {
      // Not numbered, so delivered to nobody: the device hears it and may send again.
      if (error instanceof ApiError) this.sendError(client, error.code, `user message not sent: ${error.message}`);
      else logger.error({ err: error, room: this.roomId }, "user message not posted");
    });
  }

  /** Sends a message to one client, counted by type. */
  protected sendTo(client: Client, type: string, message?: unknown): void {
    this.outTally(type).value++;
    client.send(type, message);
  }

  /** Sends pre-encoded message bytes (encoded once for many clients, `roomMessageBytes`), counted by type. */
  protected sendEncoded(client: Client, type: string, bytes: Buffer): void {
    this.outTally(type).value++;
    client.enqueueRaw(bytes);
  }

  private outTally(type: string): Tally {
    let tally = this.outTallies.get(type);
    if (!tally) this.outTallies.set(type, (tally = this.metrics.messagesOut.tally(this.roomName, type)));
    return tally;
  }

  /** Who this client is (its token's claims), set at matchmaking by onAuth. */
  protected identity(client: Client): Identity {
    return client.auth as Identity;
  }

  override onMessage<T = any>(type: "*", callback: (client: Client, type: string | number, message: T) => void): any;
  override onMessage<T = any>(type: string | number, callback: (client: Client, message: T) => void, validate?: (message: unknown) => T): any;
  override onMessage(type: string | number, callback: (...args: any[]) => void, validate?: (message: unknown) => unknown): any {
    if (type === "*") return super.onMessage(type, callback);
    const limit = this.messageRates[type];
    if (!limit) throw new Error(`room ${this.roomName}: message type ${String(type)} has no rate in messageRates`);
    return this.handle(type, limit, callback, validate);
  }

  /** Registers `callback` for `type` behind the per-client `limit`, counted. */
  private handle(type: string | number, limit: RateLimit, callback: (client: Client, message: any) => void, validate?: (message: unknown) => unknown): any {
    const typeName = String(type);
    const received = this.metrics.messagesIn.tally(this.roomName, typeName);
    const buckets = new WeakMap<Client, TokenBucket>();
    return super.onMessage(type, (client: Client, message: unknown) => {
      received.value++;
      if (this.withinRate(client, typeName, limit, buckets)) callback(client, message);
    }, validate);
  }

  /** Sends `error` to the client and counts a strike; past the limit the client is closed. */
  protected refuse(client: Client, code: ErrorCode, message: string): void {
    this.sendError(client, code, message);
    if (this.countInWindow(this.strikes, client) >= this.config.ARENA_STRIKE_LIMIT) {
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

  /** Sends `error` without a strike: the refusal is not the client's doing (the store is down). */
  protected sendError(client: Client, code: ErrorCode, message: string): void {
    const payload: ErrorMessage = { code, message };
    this.sendTo(client, "error", payload);
    this.metrics.errorsSent.labels(code).inc();
  }

  /**
   * Spends a token of the client's bucket in `buckets` (one map per message
   * type). Over the rate the message is dropped; the first drop of a window
   * answers `error` rate_limited, and ARENA_RATE_LIMIT_DROPS drops within the
   * window close the client (4429).
   */
  private withinRate(client: Client, type: string, limit: RateLimit, buckets: WeakMap<Client, TokenBucket>): boolean {
    const now = performance.now();
    let bucket = buckets.get(client);
    if (!bucket) buckets.set(client, (bucket = new TokenBucket(limit, now)));
    if (bucket.take(now)) return true;
    this.metrics.messagesDropped.labels(this.roomName, type).inc();
    const dropped = this.countInWindow(this.drops, client);
    if (dropped === 1) {
      this.sendError(client, ErrorCode.RATE_LIMITED, `more than ${limit.perSecond} ${type} messages a second (burst ${limit.burst}); slow down`);
    } else if (dropped >= this.config.ARENA_RATE_LIMIT_DROPS) {
      logger.warn({ room: this.roomId, session: client.sessionId, type }, "closing client that kept exceeding its message rate");
      this.kick(client, CloseCode.RATE_LIMITED);
    }
    return false;
  }

  /** Counts one more event for `client` in the current ARENA_STRIKE_WINDOW_SECONDS window. */
  private countInWindow(windows: WeakMap<Client, Window>, client: Client): number {
    const now = performance.now();
    let w = windows.get(client);
    if (!w || now - w.startMs > this.config.ARENA_STRIKE_WINDOW_SECONDS * 1000) windows.set(client, (w = { count: 0, startMs: now }));
    return ++w.count;
  }

  onUncaughtException(error: RoomException<this>, methodName: string): void {
    const cause = error.cause ?? error;
    // A ServerError is a refusal meant for the client (bad join options, full match), not a fault.
    if (cause instanceof ServerError) logger.debug({ room: this.roomId, method: methodName, err: cause }, "refused");
    else logger.error({ room: this.roomId, type: this.roomName, method: methodName, err: cause }, "uncaught exception in room");
  }

  override async ["_onJoin"](...args: Parameters<Room["_onJoin"]>): Promise<void> {
    const [client] = args;
    adoptJoiningClient(client, this.context.raws.rawOf(this.roomName, Object.getPrototypeOf(client).raw));
    // ws reports a protocol violation (frame too big, bad UTF-8...) as 'error' before closing,
    // often with 1006 as the close code, so the cause is noted here: no seat is held for it.
    // Colyseus's own listener logged it at error level with a stack: bad input is a warning.
    client.ref.removeAllListeners("error");
    client.ref.on("error", this.noteSocketError);
    this.connected.set(client.sessionId, client);
    try {
      await super._onJoin(...args);
    } catch (error) {
      this.forget(client);
      throw error;
    }
    // Joined: the seat is given back when the client leaves for good. A timer per joined client would
    // hold its closure for the reservation's whole lifetime (a display's memory is read a second after joining).
    this.unusedSeatChecks.get(client.sessionId)?.clear();
    this.unusedSeatChecks.delete(client.sessionId);
  }

  seatOwner(reconnectionToken: string): string | undefined {
    // Colyseus 0.16 keeps the held seats by reconnection token; nothing public reads them.
    const held = (this as unknown as { _reconnections: Record<string, [sessionId: string, unknown] | undefined> })._reconnections;
    const sessionId = held[reconnectionToken]?.[0];
    return sessionId === undefined ? undefined : this.seatHolders.get(sessionId)?.sub;
  }

  /**
   * A new seat counts against its address and identity before it is reserved (refused with 429
   * too_many_connections past a cap), until it is given up: its connection gone for good, or the
   * reservation expired unused (a room made and never joined costs its maker like a connection).
   * A seat held for a reconnection keeps what it counted.
   */
  protected override async _reserveSeat(...args: Parameters<Room["_reserveSeat"]>): Promise<boolean> {
    const [sessionId, , authData, seconds = this.seatReservationTime, allowReconnection] = args;
    if (allowReconnection) return super._reserveSeat(...args);
    // The client's own identity (its `auth`) is what the seat counts against: no copy per seat.
    const holder: SeatHolder = authData as Admitted;
    try {
      await this.context.admission.takeSeat(holder);
    } catch (error) {
      if (error instanceof ApiError) throw new ServerError(error.status, `${error.code}: ${error.message}`);
      throw error;
    }
    if (!(await super._reserveSeat(...args))) {
      void this.context.admission.seats.release(holder);
      return false;
    }
    this.seatHolders.set(sessionId, holder);
    // Colyseus forgets an unused reservation after `seconds`, without a hook: checked just after (a disposed
    // room's clock stops, and _dispose gives back every seat it still counted).
    this.unusedSeatChecks.set(sessionId, this.clock.setTimeout(() => {
      this.unusedSeatChecks.delete(sessionId);
      if (!this.connected.has(sessionId) && this.reservedSeats[sessionId] === undefined) this.giveUpSeat(sessionId);
    }, seconds * 1000 + 500));
    return true;
  }

  private giveUpSeat(sessionId: string): void {
    const holder = this.seatHolders.get(sessionId);
    if (!holder) return;
    this.seatHolders.delete(sessionId);
    this.context.admission.seats.release(holder).catch((err: unknown) => logger.warn({ err, room: this.roomId }, "could not give a seat back to its caps"));
  }

  private forget(client: Client): void {
    if (this.connected.get(client.sessionId) === client) this.connected.delete(client.sessionId);
  }

  protected override _onMessage(client: Client & Parameters<Room["_onMessage"]>[0], buffer: Buffer): void {
    // A client being closed gets no more work done for it.
    if (client.readyState !== WS_OPEN) return;
    if (buffer.byteLength > this.maxMessageBytes) {
      this.refuse(client, ErrorCode.MESSAGE_TOO_LARGE, `message of ${buffer.byteLength} bytes exceeds ${this.maxMessageBytes}`);
      return;
    }
    if (!isWellFormedFrame(buffer)) {
      this.refuse(client, ErrorCode.INVALID_MESSAGE, "malformed frame");
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
    if (this.context.raws.wasSlowConsumer(client)) {
      // Its socket may end before the close frame is read: the cause is known here, not from the code.
      logger.warn({ room: this.roomId, session: client.sessionId, code }, "client closed: it did not read what it was sent (slow consumer)");
      code = CloseCode.SLOW_CONSUMER;
    }
    this.metrics.disconnects.labels(this.roomName, String(code ?? 0)).inc();
    // The socket layer or Colyseus closed it for what the client sent: no seat is held for it.
    if (code !== undefined && closeCodeMeaning(code).clientCaused) this.kicked.add(client);
    const refused = this.socketErrors.get(client.ref);
    if (refused !== undefined) {
      this.kicked.add(client);
      const address = (client.auth as Admitted | undefined)?.address;
      logger.warn({ room: this.roomId, session: client.sessionId, address, reason: refused, code }, "client closed by the socket layer for what it sent");
    }
    this.forget(client);
    this.userFeeds.pause(client.sessionId);
    // onLeave settles once the seat is decided: back (a reconnection, resumed by the room) or gone.
    await super._onLeave(client, code);
    if (this.connected.has(client.sessionId)) return;
    this.userFeeds.close(client.sessionId);
    this.giveUpSeat(client.sessionId);
  }

  protected override _dispose(): Promise<unknown> {
    this.metrics.liveRooms.delete(this);
    for (const sessionId of [...this.seatHolders.keys()]) this.giveUpSeat(sessionId);
    return super._dispose();
  }
}

/** A socket `error` listener (`this` is the socket) that notes the error's message in `reasons`. */
function socketErrorListener(reasons: WeakMap<object, string>): (this: object, err: Error) => void {
  return function (this: object, err: Error) {
    reasons.set(this, err.message);
  };
}

function contextOf(room: typeof ArenaRoom): ArenaContext {
  if (!room.context) throw new Error(`room ${room.name} has no context: define it with withContext (arena.config.ts)`);
  return room.context;
}

/**
 * `room` bound to `context`: what the composition root defines, so that its
 * instances and its static onAuth (which Colyseus calls without an instance)
 * reach this server's context.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must take `...args: any[]`
export function withContext<R extends new (...args: any[]) => ArenaRoom>(room: R, context: ArenaContext): R {
  return class extends room {
    static context = context;
  };
}

import { Client, Room } from "colyseus.js";
import { ackOf, MatchState, tickOf } from "../schema/MatchState";
import type { MatchJoinOptions, ResumeMessage } from "../schema/messages";
import type { ChatDelivery, ResetNotice, TypingNotice, UserMessage } from "../schema/serverMessages";
import { CloseCode, ErrorMessage } from "../schema/codes";
import type { PlayerControls, PlayerInput } from "../schema/input";
import { quantizeInput } from "../schema/inputFrame";
import { headingRadians } from "../schema/scales";
import { endpointOfClient, EndpointRotation, endpointsOf, nodeAddressOf } from "./endpoints";
import { InputFrames } from "./inputFrames";
import { Interpolation, Pose } from "./interpolation";
import { posesOf } from "./poses";
import { Listeners } from "./listeners";
import { OwnPlayerPrediction } from "./prediction";
import { backoffDelay, DEFAULT_RECONNECT_POLICY, ReconnectPolicy, shouldReconnect } from "./reconnect";
import type { ChannelPositions } from "./channelPositions";
import { UserChannel } from "./UserChannel";

/**
 * `rejoined` is reported once, when the player was seated in a new match because
 * the old one was lost; the status is `connected` right after.
 */
export type ConnectionStatus = "connected" | "reconnecting" | "rejoined" | "gone";

/** Colyseus matchmaking: no such room (disposed, or its node died and was cleaned up). */
const MATCHMAKE_INVALID_ROOM_ID = 4212;

/**
 * How long matchmaking must keep answering 4212 to a reconnection before the
 * match is taken for gone (within the grace window). A node writes its rooms
 * back into a Redis that restarted empty only once all its connections are
 * ready again (ioredis waits up to 2 s between attempts), and a reconnection
 * queued during the outage is answered before that: 4212 for a match that runs.
 */
export const MATCH_GONE_CONFIRM_MS = 5000;
/** While a 4212 is being confirmed, the reconnection is tried again at least this often. */
const MATCH_GONE_RECHECK_MS = 500;
/** With two inputs a frame, how long the first waits for the second before it is sent alone: a tick and a half. */
const HOLD_INPUT_MS = 25;

/** What to draw this frame. */
export interface MatchFrame {
  /** The own player at its predicted position, facing its latest aim; undefined before the first state. */
  self?: Pose;
  /** Everyone else, interpolated `renderDelayTicks` behind the newest state. */
  others: Map<string, Pose>;
  /** The state tick the others are drawn at. */
  renderTick: number;
}



/** Where and as whom a session plays. */
export interface MatchSessionOptions {
  /**
   * Base URL of Arena (http(s)://host:port): a load balancer, or several nodes
   * tried in turn when one fails.
   */
  endpoint: string | string[];
  /** A `player` token. */
  token: string;
  /** The team to play on when it has room, in the first match and in any match joined after one is lost. */
  team?: "red" | "blue";
  reconnect?: Partial<ReconnectPolicy>;
}

/** What a session was asked for, whichever entry point it came through. */
interface SeatRequest {
  endpoints: EndpointRotation;
  options: MatchJoinOptions;
  policy: ReconnectPolicy;
  /** The token's identity's user channel, read from the token before joining (a token without `sub` fails here). */
  user: UserChannel;
}

function seatRequest(target: Client | MatchSessionOptions, options: MatchJoinOptions, policy: Partial<ReconnectPolicy>): SeatRequest {
  if ("endpoint" in target) {
    return {
      endpoints: new EndpointRotation(endpointsOf(target.endpoint, target.token)),
      options: target.team ? { team: target.team } : {},
      policy: { ...DEFAULT_RECONNECT_POLICY, ...target.reconnect },
      user: UserChannel.ofToken(target.token),
    };
  }
  return {
    endpoints: new EndpointRotation([endpointOfClient(target)]),
    options,
    policy: { ...DEFAULT_RECONNECT_POLICY, ...policy },
    user: UserChannel.ofToken(target.auth.token),
  };
}

/** Tries `join` through each endpoint in turn until one seats the player; the last failure is thrown. */
async function throughAnyEndpoint(endpoints: EndpointRotation, join: (client: Client) => Promise<Room<MatchState>>): Promise<Room<MatchState>> {
  for (let tried = 1; ; tried++) {
    try {
      return await join(endpoints.current.client);
    } catch (error) {
      if (tried >= endpoints.size) throw error;
      endpoints.advance();
    }
  }
}

/** How a retry loop ended: seated, or settled by an answer that retrying cannot change, or out of time. */
type RetryOutcome = { room: Room<MatchState> } | { settled: number } | { timedOut: true };

/** What a retry loop makes of each failed try. */
interface RetryJudge {
  /** The code that ends the retries (retrying cannot change the answer), or undefined to go on. */
  settles(error: unknown): number | undefined;
  /** A wait shorter than the backoff's before the next try, while an answer is being confirmed. */
  recheckMs?(): number | undefined;
}

/**
 * Judges reconnection answers: 4212 (matchmaking knows no such match) settles
 * as MATCH_GONE only once it has persisted for MATCH_GONE_CONFIRM_MS, since the
 * store may have come back without the match moments before its node writes
 * it back. Other failures (a dead endpoint, a node still noticing the drop)
 * neither settle nor interrupt the confirmation.
 */
class ReconnectionJudge implements RetryJudge {
  private goneSince?: number;
  private lastSaidGone = false;

  settles(error: unknown): number | undefined {
    this.lastSaidGone = (error as { code?: number }).code === MATCHMAKE_INVALID_ROOM_ID;
    if (!this.lastSaidGone) return undefined;
    this.goneSince ??= Date.now();
    return Date.now() - this.goneSince >= MATCH_GONE_CONFIRM_MS ? CloseCode.MATCH_GONE : undefined;
  }

  recheckMs(): number | undefined {
    return this.goneSince === undefined ? undefined : MATCH_GONE_RECHECK_MS;
  }

  /** Why the seat is lost when the grace window ran out: gone if matchmaking said so last, else out of reach. */
  get outOfTime(): number {
    return this.lastSaidGone ? CloseCode.MATCH_GONE : CloseCode.SEAT_LOST;
  }
}

/** No answer ends the retries early: only the grace window does (joining a new match). */
const NEVER_SETTLES: RetryJudge = { settles: () => undefined };

/**
 * A player's seat in a match that survives network drops and lost nodes. On an
 * unexpected close it reconnects with the reconnection token through its
 * endpoints in turn (exponential backoff with jitter, within the grace window):
 * the match may live on a node that is still up while the endpoint it used is
 * not. Back in the seat, it asks the server to replay every channel message
 * after the last seq it saw, its identity's user channel included (in a new
 * match, that channel's alone). When the match is gone (its node died or drained,
 * or the seat could not be reached in time), a session that asked for any
 * match joins a new one on the same team and reports `rejoined` with the code
 * saying why; one that asked for a given match reports `gone` with that code.
 *
 * It also keeps the client half of the prediction contract (docs/protocol.md):
 * `sendInput` numbers each input and applies it to the own player at once,
 * every state reconciles that prediction and feeds the others' interpolation,
 * and `frame()` says where to draw everyone now.
 */
export class MatchSession {
  status: ConnectionStatus = "connected";
  /** Where the session stands on each channel (chat and its user channel): what `resume` reports after a reconnection. */
  private readonly positions: ChannelPositions;
  private readonly statusListeners = new Listeners<[status: ConnectionStatus, closeCode?: number]>();
  private readonly chatListeners = new Listeners<[message: ChatDelivery]>();
  private readonly errorListeners = new Listeners<[error: ErrorMessage]>();
  private readonly roomListeners = new Listeners<[room: Room<MatchState>]>();
  private readonly stateListeners = new Listeners<[state: MatchState]>();
  private readonly typingListeners = new Listeners<[notice: TypingNotice]>();
  /** The own player, predicted from the inputs sent and reconciled on every state. */
  readonly prediction = new OwnPlayerPrediction();
  /** The other players, shown a render delay behind; fire inputs carry its `fireTick()`. A new match gets a new one. */
  interpolation = new Interpolation();
  /** Aim of the latest input sent: the own player faces it without waiting for the server. */
  private aim?: number;
  /** Inputs on their way out; only while connected do they reach the room. */
  private readonly inputs = new InputFrames((frame) => {
    if (this.status === "connected") this.room.sendBytes("input", frame);
  });
  private heldInputTimer?: ReturnType<typeof setTimeout>;

  private constructor(
    private readonly endpoints: EndpointRotation,
    public room: Room<MatchState>,
    private readonly policy: ReconnectPolicy,
    /** The identity's user channel: every device of the player's identity, in any room. */
    readonly user: UserChannel,
    /** Options for a new match when this one is lost; undefined for a session that asked for one match. */
    private readonly rejoinOptions?: MatchJoinOptions,
  ) {
    this.positions = user.positions;
    this.bind(room);
  }

  /**
   * Joins a match with a free seat (or a new one), on `team` when it has room,
   * through the endpoints of `options` (or through one colyseus.js `client`).
   */
  static join(options: MatchSessionOptions): Promise<MatchSession>;
  static join(client: Client, options?: MatchJoinOptions, policy?: Partial<ReconnectPolicy>): Promise<MatchSession>;
  static async join(target: Client | MatchSessionOptions, options: MatchJoinOptions = {}, policy: Partial<ReconnectPolicy> = {}): Promise<MatchSession> {
    const seat = seatRequest(target, options, policy);
    const room = await throughAnyEndpoint(seat.endpoints, (client) => client.joinOrCreate<MatchState>("match", seat.options));
    return new MatchSession(seat.endpoints, room, seat.policy, seat.user, seat.options);
  }

  /** Joins the match `matchId` (from the lobby's listing); refused when it is full. It never moves to another match. */
  static joinById(options: MatchSessionOptions, matchId: string): Promise<MatchSession>;
  static joinById(client: Client, matchId: string, options?: MatchJoinOptions, policy?: Partial<ReconnectPolicy>): Promise<MatchSession>;
  static async joinById(target: Client | MatchSessionOptions, matchId: string, options: MatchJoinOptions = {}, policy: Partial<ReconnectPolicy> = {}): Promise<MatchSession> {
    const seat = seatRequest(target, options, policy);
    const room = await throughAnyEndpoint(seat.endpoints, (client) => client.joinById<MatchState>(matchId, seat.options));
    return new MatchSession(seat.endpoints, room, seat.policy, seat.user);
  }

  /** Last seq seen per channel name (chat channels and the user channel). */
  get lastSeen(): Readonly<Record<string, number>> {
    return this.positions.lastSeen;
  }

  /** Epoch of each channel's last seq (docs/protocol.md "Ordering and epochs"), reported with it. */
  get epochs(): Readonly<Record<string, string>> {
    return this.positions.epochs;
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  get matchId(): string {
    return this.room.roomId;
  }

  /** The latest state (decoded from the server; never predicted). */
  get state(): MatchState {
    return this.room.state;
  }

  /**
   * Status changes, with a code saying why: with "reconnecting" the close code
   * of the connection lost (1006 for a network drop); with "rejoined" and
   * "gone" why the seat was lost: CloseCode.MATCH_GONE (matchmaking has not
   * known the match for MATCH_GONE_CONFIRM_MS), CloseCode.SEAT_LOST (the grace window passed before any endpoint
   * reached it), CloseCode.SERVER_SHUTTING_DOWN (its node drained), or the
   * server's close code when it ended the seat (e.g. 4400; 4000 after `leave`).
   */
  onStatus(listener: (status: ConnectionStatus, closeCode?: number) => void): () => void {
    return this.statusListeners.add(listener);
  }

  onChat(listener: (message: ChatDelivery) => void): () => void {
    return this.chatListeners.add(listener);
  }

  /** Messages on the identity's user channel (`user-<sub>`): from a backend, an operator or another of its devices; each once, in order. */
  onUserMessage(listener: (message: UserMessage) => void): () => void {
    return this.user.onMessage(listener);
  }

  /** Refusals: of chat, and of a `sendToMyDevices` (`invalid_message`; `store_unavailable`: send again). */
  onError(listener: (error: ErrorMessage) => void): () => void {
    return this.errorListeners.add(listener);
  }

  /** After each state patch (the prediction and interpolation have taken it in already). */
  onState(listener: (state: MatchState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  onTyping(listener: (notice: TypingNotice) => void): () => void {
    return this.typingListeners.add(listener);
  }

  /** Called with the new Room after each reconnection or new match (listeners on the Room itself must be attached again). */
  onRoom(listener: (room: Room<MatchState>) => void): () => void {
    return this.roomListeners.add(listener);
  }

  /**
   * Sends one tick's controls, numbered, as a binary input frame, and applies
   * it to the prediction at once, with the values the server will read from the
   * frame; a fire carries the tick the others are drawn at. Send one per tick
   * (`runInputLoop` does). While not connected nothing is sent or predicted.
   */
  sendInput(controls: PlayerControls): PlayerInput | undefined {
    if (this.status !== "connected") return undefined;
    const { mx, my, aim, fire } = quantizeInput(controls);
    const input = this.prediction.next(mx, my, aim, fire, fire ? this.interpolation.fireTick() : undefined);
    if (this.inputs.add(input)) this.heldInputTimer ??= setTimeout(() => this.sendHeldInput(), HOLD_INPUT_MS);
    else this.sendHeldInput();
    this.aim = aim;
    return input;
  }

  /**
   * Inputs a frame carries: 1 (the default) sends each input at once, 60 frames a second; 2 holds every
   * other input and sends it with the next, 30 frames a second, which the server applies on consecutive
   * ticks. Half the messages for the server to read, for about half a tick more input->ack latency on
   * average (docs/operations.md, "Input frames"); prediction applies every input at once either way. An
   * input held while no other follows (the game stopped sending) goes alone after a tick and a half.
   */
  get inputsPerFrame(): 1 | 2 {
    return this.inputs.perFrame;
  }

  set inputsPerFrame(count: 1 | 2) {
    this.inputs.perFrame = count;
  }

  private sendHeldInput(): void {
    clearTimeout(this.heldInputTimer);
    this.heldInputTimer = undefined;
    this.inputs.flush();
  }

  /** Where to draw everyone at `nowMs` (performance.now() time): call once per rendered frame. */
  frame(nowMs: number = performance.now()): MatchFrame {
    const renderTick = this.interpolation.advance(nowMs);
    const others = new Map<string, Pose>();
    const players = this.room.state.players;
    players?.forEach((_p, id) => {
      const pose = id === this.sessionId ? undefined : this.interpolation.pose(id);
      if (pose) others.set(id, pose);
    });
    const own = players?.get(this.sessionId);
    const self = own && { x: this.prediction.x, y: this.prediction.y, angle: this.aim ?? headingRadians(own.angle) };
    return { self, others, renderTick };
  }

  chat(channel: "all" | "team" | "player", text: string, to?: string): void {
    this.room.send("chat", { channel, text, to });
  }

  typing(): void {
    this.room.send("typing");
  }

  /**
   * Posts `payload` (any JSON) to the identity's user channel: its other
   * connections get it, this one does not. False, and nothing sent, while not
   * connected.
   */
  sendToMyDevices(payload: unknown): boolean {
    if (this.status !== "connected") return false;
    this.room.send("user", { payload });
    return true;
  }

  async leave(): Promise<void> {
    this.setStatus("gone");
    this.sendHeldInput();
    await this.room.leave(true);
  }

  private bind(room: Room<MatchState>): void {
    room.onMessage("chat", (message: ChatDelivery) => {
      // A replay never repeats what was already shown.
      if (this.positions.accept(message)) this.chatListeners.emit(message);
    });
    room.onMessage("user", (message: UserMessage) => this.user.receive(message));
    room.onMessage("error", (error: ErrorMessage) => {
      this.errorListeners.emit(error);
    });
    room.onMessage("typing", (notice: TypingNotice) => {
      this.typingListeners.emit(notice);
    });
    room.onStateChange((state) => this.onStateChange(state));
    room.onMessage("gap", () => {});
    room.onMessage("reset", ({ channel, epoch }: ResetNotice) => this.positions.restart(channel, epoch));
    room.onLeave((code) => {
      if (this.status === "gone") return;
      if (!shouldReconnect(code)) return this.setStatus("gone", code);
      void this.recover(code);
    });
  }

  private onStateChange(state: MatchState): void {
    const own = state.players.get(this.sessionId);
    if (own) this.prediction.reconcile({ x: own.x, y: own.y, hp: own.hp, ack: ackOf(state, own) });
    this.interpolation.push(tickOf(state), performance.now(), posesOf(state.players, this.sessionId));
    this.stateListeners.emit(state);
  }

  /** After an unexpected close: the same seat if its match still runs, else a new match (or "gone"). */
  private async recover(closeCode: number): Promise<void> {
    this.setStatus("reconnecting", closeCode);
    // A drained node closes its matches for good: nothing to go back to there.
    const lostFor = closeCode === CloseCode.SERVER_SHUTTING_DOWN ? closeCode : await this.retakeSeat();
    if (lostFor === undefined || this.ended) return;
    if (!this.rejoinOptions) return this.setStatus("gone", lostFor);
    const options = this.rejoinOptions;
    const drained = lostFor === CloseCode.SERVER_SHUTTING_DOWN ? nodeAddressOf(this.room) : undefined;
    const outcome = await this.retry((client) => client.joinOrCreate<MatchState>("match", options), NEVER_SETTLES, drained);
    if (!("room" in outcome)) return this.setStatus("gone", lostFor);
    this.adopt(outcome.room, false);
    this.setStatus("rejoined", lostFor);
    this.setStatus("connected");
  }

  /** Reconnects to the seat through any endpoint; undefined once back in it, else why it is lost. */
  private async retakeSeat(): Promise<number | undefined> {
    const token = this.room.reconnectionToken;
    const judge = new ReconnectionJudge();
    const outcome = await this.retry((client) => client.reconnect<MatchState>(token), judge);
    if ("room" in outcome) {
      this.adopt(outcome.room, true);
      this.setStatus("connected");
      return undefined;
    }
    return "settled" in outcome ? outcome.settled : judge.outOfTime;
  }

  /**
   * Calls `attempt` with backoff until it seats the player, `judge` settles
   * on an error that retrying cannot change, or the grace window passes. Each
   * failure moves on to the next endpoint; endpoints at `avoid` are never used.
   */
  private async retry(attempt: (client: Client) => Promise<Room<MatchState>>, judge: RetryJudge, avoid?: string): Promise<RetryOutcome> {
    const deadline = Date.now() + this.policy.giveUpAfterMs;
    for (let n = 0; Date.now() < deadline; n++) {
      const wait = Math.min(backoffDelay(n, this.policy), judge.recheckMs?.() ?? Infinity);
      const delay = Math.min(wait, Math.max(0, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, delay));
      const endpoint = this.endpoints.pick(avoid);
      if (!endpoint || this.ended) break;
      try {
        const room = await attempt(endpoint.client);
        // `leave()` was called while this attempt was under way.
        if (this.ended) {
          void room.leave(true);
          break;
        }
        return { room };
      } catch (error) {
        const settled = judge.settles(error);
        if (settled !== undefined) return { settled };
        this.endpoints.advance();
      }
    }
    return { timedOut: true };
  }

  /**
   * Takes `room` as the seat: the same match (`resume` every channel) or a new
   * one, started fresh but for the user channel, which resumes where it was:
   * what was pushed while no match held the seat is replayed.
   */
  private adopt(room: Room<MatchState>, sameMatch: boolean): void {
    this.room = room;
    // Inputs predicted but never sent are forgotten with the rest.
    this.inputs.clear();
    this.prediction.forgetPending();
    if (!sameMatch) {
      this.positions.forgetAllBut(this.user.name);
      this.interpolation = new Interpolation(this.interpolation.renderDelayTicks);
      this.aim = undefined;
    }
    this.bind(room);
    const resume: ResumeMessage | undefined = sameMatch ? { channels: this.positions.lastSeen, epochs: this.positions.epochs } : this.positions.of(this.user.name);
    if (resume) room.send("resume", resume);
    this.roomListeners.emit(room);
  }

  /** Gone for good: left, or the seat lost (read after an await, where `status` may have changed). */
  private get ended(): boolean {
    return this.status === "gone";
  }

  private setStatus(status: ConnectionStatus, closeCode?: number): void {
    if (this.status === status) return;
    this.status = status;
    this.statusListeners.emit(status, closeCode);
  }
}

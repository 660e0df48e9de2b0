import { Client, Room } from "colyseus.js";
import type { MatchState } from "../schema/MatchState";
import type { ChatDelivery } from "../rooms/MatchChannels";
import { CLOSE_CODE_RECONNECT, CloseCode, ErrorMessage } from "../schema/codes";
import { encodeInputFrame, INPUT_FRAME_BYTES, quantizeIntent } from "../schema/inputFrame";
import { ANGLE_SCALE } from "../schema/scales";
import { Interpolation, Pose } from "./interpolation";
import { posesOf } from "./poses";
import { InputFrame, OwnPlayerPrediction } from "./prediction";

export type ConnectionStatus = "connected" | "reconnecting" | "gone";

export interface ReconnectPolicy {
  /** First retry delay; each further retry doubles it. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Stop trying after this long (the server's grace window, ARENA_RECONNECT_GRACE_SECONDS). */
  giveUpAfterMs: number;
  /** ± fraction of each delay drawn at random, so a crowd does not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 8000,
  giveUpAfterMs: 20_000,
  jitter: 0.25,
};

/** Delay before retry number `attempt` (0-based): 1 s, 2 s, 4 s ... capped, with jitter. */
export function backoffDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  return base * (1 + policy.jitter * (2 * random() - 1));
}

const COLYSEUS_CONSENTED = 4000;
/** Colyseus matchmaking: no such room (disposed, or its node died and was cleaned up). */
const MATCHMAKE_INVALID_ROOM_ID = 4212;

/** One tick's intention: stick deflection (-1..1 each), aim in radians, trigger held. */
export interface Intent {
  mx: number;
  my: number;
  aim: number;
  fire: boolean;
}

/** What to draw this frame. */
export interface MatchFrame {
  /** The own player at its predicted position, facing its latest aim; undefined before the first state. */
  self?: Pose;
  /** Everyone else, interpolated `renderDelayTicks` behind the newest state. */
  others: Map<string, Pose>;
  /** The state tick the others are drawn at. */
  renderTick: number;
}

/** A teammate is typing. */
export interface TypingNotice {
  channel: string;
  from: string;
  name: string;
}

type MatchJoinOptions = { team?: "red" | "blue" };

/** Close codes after which reconnecting is pointless (left on purpose, kicked, match gone). */
function shouldReconnect(code: number): boolean {
  if (code === COLYSEUS_CONSENTED) return false;
  if (code in CLOSE_CODE_RECONNECT) return CLOSE_CODE_RECONNECT[code as CloseCode];
  return true; // 1006 and friends: the network, not the server, ended it
}

/**
 * A player's seat in a match that survives network drops: on an unexpected
 * close it reconnects with the reconnection token (exponential backoff with
 * jitter, within the grace window), then asks the server to replay every
 * channel message after the last seq it saw.
 *
 * It also keeps the client half of the prediction contract (docs/protocol.md):
 * `sendInput` numbers each input and applies it to the own player at once,
 * every state reconciles that prediction and feeds the others' interpolation,
 * and `frame()` says where to draw everyone now.
 */
export class MatchSession {
  status: ConnectionStatus = "connected";
  /** Last seq seen per channel name: what `resume` reports after a reconnection. */
  readonly lastSeen: Record<string, number> = {};
  private readonly statusListeners = new Set<(status: ConnectionStatus, closeCode?: number) => void>();
  private readonly chatListeners = new Set<(message: ChatDelivery) => void>();
  private readonly errorListeners = new Set<(error: ErrorMessage) => void>();
  private readonly roomListeners = new Set<(room: Room<MatchState>) => void>();
  private readonly stateListeners = new Set<(state: MatchState) => void>();
  private readonly typingListeners = new Set<(notice: TypingNotice) => void>();
  /** The own player, predicted from the inputs sent and reconciled on every state. */
  readonly prediction = new OwnPlayerPrediction();
  /** The other players, shown a render delay behind; fire inputs carry its `fireTick()`. */
  readonly interpolation = new Interpolation();
  /** Aim of the latest input sent: the own player faces it without waiting for the server. */
  private aim?: number;
  private readonly inputFrame = new Uint8Array(INPUT_FRAME_BYTES);

  private constructor(
    private readonly client: Client,
    public room: Room<MatchState>,
    private readonly policy: ReconnectPolicy,
  ) {
    this.bind(room);
  }

  /** Joins a match with a free seat (or a new one), on `team` when it has room. */
  static async join(client: Client, options: MatchJoinOptions = {}, policy: Partial<ReconnectPolicy> = {}): Promise<MatchSession> {
    const room = await client.joinOrCreate<MatchState>("match", options);
    return new MatchSession(client, room, { ...DEFAULT_RECONNECT_POLICY, ...policy });
  }

  /** Joins the match `matchId` (from the lobby's listing); refused when it is full. */
  static async joinById(client: Client, matchId: string, options: MatchJoinOptions = {}, policy: Partial<ReconnectPolicy> = {}): Promise<MatchSession> {
    const room = await client.joinById<MatchState>(matchId, options);
    return new MatchSession(client, room, { ...DEFAULT_RECONNECT_POLICY, ...policy });
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
   * Status changes; `closeCode` comes with "gone" when known: the server's close
   * code, or CloseCode.MATCH_GONE when the match vanished (its node died).
   */
  onStatus(listener: (status: ConnectionStatus, closeCode?: number) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onChat(listener: (message: ChatDelivery) => void): () => void {
    this.chatListeners.add(listener);
    return () => this.chatListeners.delete(listener);
  }

  onError(listener: (error: ErrorMessage) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** After each state patch (the prediction and interpolation have taken it in already). */
  onState(listener: (state: MatchState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onTyping(listener: (notice: TypingNotice) => void): () => void {
    this.typingListeners.add(listener);
    return () => this.typingListeners.delete(listener);
  }

  /** Called with the new Room after each reconnection (listeners on the Room itself must be attached again). */
  onRoom(listener: (room: Room<MatchState>) => void): () => void {
    this.roomListeners.add(listener);
    return () => this.roomListeners.delete(listener);
  }

  /**
   * Sends one tick's intention, numbered, as a binary input frame, and applies
   * it to the prediction at once, with the values the server will read from the
   * frame; a fire carries the tick the others are drawn at. Send one per tick
   * (`runInputLoop` does). While not connected nothing is sent or predicted.
   */
  sendInput(intent: Intent): InputFrame | undefined {
    if (this.status !== "connected") return undefined;
    const { mx, my, aim } = quantizeIntent(intent.mx, intent.my, intent.aim);
    const frame = this.prediction.next(mx, my, aim, intent.fire, intent.fire ? this.interpolation.fireTick() : undefined);
    this.room.sendBytes("input", encodeInputFrame(frame, this.inputFrame));
    this.aim = aim;
    return frame;
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
    const self = own && { x: this.prediction.x, y: this.prediction.y, angle: this.aim ?? own.angle / ANGLE_SCALE };
    return { self, others, renderTick };
  }

  chat(channel: "all" | "team" | "player", text: string, to?: string): void {
    this.room.send("chat", { channel, text, to });
  }

  typing(): void {
    this.room.send("typing");
  }

  async leave(): Promise<void> {
    this.setStatus("gone");
    await this.room.leave(true);
  }

  private bind(room: Room<MatchState>): void {
    room.onMessage("chat", (message: ChatDelivery) => {
      // A replay never repeats what was already shown.
      if (message.seq <= (this.lastSeen[message.channel] ?? 0)) return;
      this.lastSeen[message.channel] = message.seq;
      for (const listener of this.chatListeners) listener(message);
    });
    room.onMessage("error", (error: ErrorMessage) => {
      for (const listener of this.errorListeners) listener(error);
    });
    room.onMessage("typing", (notice: TypingNotice) => {
      for (const listener of this.typingListeners) listener(notice);
    });
    room.onStateChange((state) => this.onStateChange(state));
    room.onMessage("gap", () => {});
    room.onLeave((code) => {
      if (this.status === "gone") return;
      if (!shouldReconnect(code)) return this.setStatus("gone", code);
      void this.reconnect();
    });
  }

  private onStateChange(state: MatchState): void {
    const own = state.players.get(this.sessionId);
    if (own) this.prediction.reconcile(own);
    this.interpolation.push(state.tick, performance.now(), posesOf(state.players, this.sessionId));
    for (const listener of this.stateListeners) listener(state);
  }

  private async reconnect(): Promise<void> {
    this.setStatus("reconnecting");
    const token = this.room.reconnectionToken;
    const deadline = Date.now() + this.policy.giveUpAfterMs;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const delay = Math.min(backoffDelay(attempt, this.policy), Math.max(0, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        const room = await this.client.reconnect<MatchState>(token);
        this.room = room;
        this.prediction.forgetPending();
        this.bind(room);
        room.send("resume", { channels: this.lastSeen });
        for (const listener of this.roomListeners) listener(room);
        this.setStatus("connected");
        return;
      } catch (error) {
        // The match no longer exists anywhere: say so rather than retry until the deadline.
        if ((error as { code?: number }).code === MATCHMAKE_INVALID_ROOM_ID) return this.setStatus("gone", CloseCode.MATCH_GONE);
        // Otherwise the node may still be noticing the drop, or be briefly unreachable: try again.
      }
    }
    this.setStatus("gone");
  }

  private setStatus(status: ConnectionStatus, closeCode?: number): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status, closeCode);
  }
}

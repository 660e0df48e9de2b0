import type { Room } from "colyseus.js";
import type { Broadcast, ResetNotice, UserMessage } from "../schema/serverMessages";
import { ChannelPositions } from "./channelPositions";
import { EndpointRotation, endpointsOf } from "./endpoints";
import { Listeners } from "./listeners";
import { broadcastVerifier, Verifier } from "./verifyBroadcast";
import { backoffDelay, ReconnectPolicy } from "./reconnect";
import { UserChannel } from "./UserChannel";

export type DisplayStatus = "connecting" | "live" | "reconnecting" | "polling" | "stopped";

export interface SignageDisplayOptions {
  /**
   * Base URL of Arena (http(s)://host:port): a load balancer, or several nodes
   * tried in turn when one stops answering.
   */
  endpoint: string | string[];
  /** A `display` (or `operator`) token; its `sub` names the identity's user channel (read without verifying). */
  token: string;
  channels: string[];
  /** Polling period while the socket is down. */
  pollIntervalMs?: number;
  /** Socket retries; after `giveUpAfterMs` of failures the display polls and keeps retrying. */
  reconnect?: Partial<ReconnectPolicy>;
  /** Also read the identity's user channel (`onUserMessage`); off by default: a screen that only shows signage holds nothing for it. */
  userChannel?: boolean;
}

/** How long `start` waits to learn where its user channel stands before it joins without. */
const USER_START_TIMEOUT_MS = 2000;

const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 1000, maxDelayMs: 15_000, giveUpAfterMs: 3000, jitter: 0.25 };

/**
 * A signage display: shows each verified broadcast of its channels once, in seq
 * order. It listens on the lobby's WebSocket; when that cannot connect it polls
 * GET /api/channels/:channel/messages?after=SEQ and keeps retrying the socket,
 * resuming after the last seq it showed on either path, so nothing is lost or
 * shown twice across a switch. Unsigned or tampered broadcasts are dropped.
 * It also reads its identity's user channel the same way (`onUserMessage`):
 * live on the socket, polled while it is down, resumed from the last one had.
 */
export class SignageDisplay {
  status: DisplayStatus = "connecting";
  /** Where the display stands on each channel, its user channel included: what its lobby join reports. */
  private readonly positions = new ChannelPositions();
  /** The identity's user channel: every device of the token's identity, in any room. */
  readonly user: UserChannel;
  /** Broadcasts dropped because their signature did not verify. */
  rejected = 0;
  private readonly endpoints: EndpointRotation;
  private readonly reconnectPolicy: ReconnectPolicy;
  private room?: Room;
  private verify?: Verifier;
  private pollTimer?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private attempt = 0;
  private failingSince = 0;
  /** Serialises verification so broadcasts are shown in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly messageListeners = new Listeners<[b: Broadcast]>();
  private readonly statusListeners = new Listeners<[s: DisplayStatus]>();

  constructor(private readonly options: SignageDisplayOptions) {
    this.endpoints = new EndpointRotation(endpointsOf(options.endpoint, options.token));
    this.reconnectPolicy = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.user = UserChannel.ofToken(options.token, this.positions);
  }

  /** Last seq shown per channel (and had, for the user channel). */
  get lastSeq(): Readonly<Record<string, number>> {
    return this.positions.lastSeen;
  }

  /** Epoch of each channel's last seq: a message of another epoch starts that channel's count again. */
  get epochs(): Readonly<Record<string, string>> {
    return this.positions.epochs;
  }

  private get endpoint(): string {
    return this.endpoints.current.url;
  }

  onMessage(listener: (b: Broadcast) => void): () => void {
    return this.messageListeners.add(listener);
  }

  onStatus(listener: (s: DisplayStatus) => void): () => void {
    return this.statusListeners.add(listener);
  }

  /** Messages on the identity's user channel (`user-<sub>`), each once, in order. */
  onUserMessage(listener: (message: UserMessage) => void): () => void {
    if (!this.options.userChannel) throw new Error("onUserMessage needs a SignageDisplay made with userChannel: true");
    return this.user.onMessage(listener);
  }

  async start(): Promise<void> {
    const [res] = await Promise.all([
      fetch(`${this.endpoint}/.well-known/jwks.json`),
      // The user channel starts here, backlog unseen; without a position, a socket lost before
      // its first user message would resume from the rejoin. Bounded: a store that is down
      // would hold the read for ioredis's retry window, and the display starts without it.
      this.options.userChannel && this.user.startFromNow(this.endpoint, this.options.token, AbortSignal.timeout(USER_START_TIMEOUT_MS)).catch(() => {}),
    ]);
    this.verify = broadcastVerifier(await res.json());
    await this.connect();
  }

  async stop(): Promise<void> {
    this.setStatus("stopped");
    clearTimeout(this.pollTimer);
    clearTimeout(this.retryTimer);
    await this.room?.leave(true).catch(() => {});
    await this.queue;
  }

  /**
   * Posts `payload` (any JSON) to the identity's user channel: its other
   * connections get it, this one does not. False, and nothing sent, while the
   * socket is down.
   */
  sendToMyDevices(payload: unknown): boolean {
    if (!this.room) return false;
    this.room.send("user", { payload });
    return true;
  }

  /** Asks the operators watching `channel` to publish its content again. */
  requestSync(channel: string): void {
    this.room?.send("request-sync", { channel });
  }

  private async connect(): Promise<void> {
    if (this.status === "stopped") return;
    try {
      const room = await this.endpoints.current.client.joinOrCreate("lobby", {
        channels: this.options.channels,
        userChannel: this.options.userChannel ?? false,
        after: this.resumePoints(),
        epochs: { ...this.positions.epochs },
      });
      // stop() may have run while joining.
      if ((this.status as DisplayStatus) === "stopped") return void room.leave(true);
      this.room = room;
      this.attempt = 0;
      this.failingSince = 0;
      clearTimeout(this.pollTimer);
      room.onMessage("broadcast", (b: Broadcast) => this.receive(b));
      room.onMessage("user", (m: UserMessage) => this.inOrder(() => this.user.receive(m)));
      // The store lost the channel's numbering: what follows counts again from that epoch's start.
      room.onMessage("reset", ({ channel, epoch }: ResetNotice) => this.restart(channel, epoch));
      for (const type of ["rooms", "+", "-", "gap", "error", "request-sync"]) room.onMessage(type, () => {});
      room.onLeave(() => {
        this.room = undefined;
        if (this.status !== "stopped") this.retryLater();
      });
      this.setStatus("live");
    } catch {
      this.retryLater();
    }
  }

  /**
   * The seqs shown so far: the server replays what came after (signage
   * channels never shown get their retained message).
   */
  private resumePoints(): Record<string, number> {
    return { ...this.positions.lastSeen };
  }

  private retryLater(): void {
    if (this.status === "stopped") return;
    if (this.failingSince === 0) this.failingSince = Date.now();
    const failingFor = Date.now() - this.failingSince;
    if (failingFor >= this.reconnectPolicy.giveUpAfterMs) this.startPolling();
    else this.setStatus("reconnecting");
    // The next attempt goes to the next endpoint: this one may be a dead node.
    this.endpoints.advance();
    const delay = backoffDelay(this.attempt++, this.reconnectPolicy);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private startPolling(): void {
    if (this.status === "polling") return;
    this.setStatus("polling");
    const poll = async () => {
      if (this.status !== "polling") return;
      const polls = this.options.channels.map((channel) => this.pollChannel(channel));
      if (this.options.userChannel) polls.push(this.user.poll(this.endpoint, this.options.token));
      await Promise.all(polls.map((poll) => poll.catch(() => {})));
      if (this.status === "polling") this.pollTimer = setTimeout(poll, this.options.pollIntervalMs ?? 2000);
    };
    void poll();
  }

  private async pollChannel(channel: string): Promise<void> {
    const query = new URLSearchParams({ after: String(this.positions.lastSeen[channel] ?? 0) });
    const since = this.positions.epochs[channel];
    if (since) query.set("epoch", since);
    const res = await fetch(`${this.endpoint}/api/channels/${encodeURIComponent(channel)}/messages?${query}`, {
      headers: { Authorization: `Bearer ${this.options.token}` },
    });
    if (!res.ok) return;
    const { epoch, reset, messages } = (await res.json()) as { epoch?: string; reset: boolean; messages: Broadcast[] };
    if (reset && epoch) this.restart(channel, epoch);
    for (const b of messages) this.receive(b);
  }

  /** Runs `step` after every message before it has been handled (verification is asynchronous). */
  private inOrder(step: () => void | Promise<void>): void {
    this.queue = this.queue.then(step);
  }

  private restart(channel: string, epoch: string): void {
    this.inOrder(() => this.positions.restart(channel, epoch));
  }

  /** A broadcast shown already (a replay, the retained copy) or unsigned is dropped. */
  private receive(b: Broadcast): void {
    this.inOrder(async () => {
      if (this.positions.has(b)) return;
      if (!(await this.verify!(b))) {
        this.rejected++;
        return;
      }
      if (this.positions.accept(b)) this.messageListeners.emit(b);
    });
  }

  private setStatus(status: DisplayStatus): void {
    if (this.status === status || this.status === "stopped") return;
    this.status = status;
    this.statusListeners.emit(status);
  }
}

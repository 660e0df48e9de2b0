import type { Room } from "colyseus.js";
import type { Broadcast } from "../schema/serverMessages";
import { EndpointRotation, endpointsOf } from "./endpoints";
import { Listeners } from "./listeners";
import { broadcastVerifier, Verifier } from "./verifyBroadcast";
import { backoffDelay, ReconnectPolicy } from "./reconnect";

export type DisplayStatus = "connecting" | "live" | "reconnecting" | "polling" | "stopped";

export interface SignageDisplayOptions {
  /**
   * Base URL of Arena (http(s)://host:port): a load balancer, or several nodes
   * tried in turn when one stops answering.
   */
  endpoint: string | string[];
  /** A `display` (or `operator`) token. */
  token: string;
  channels: string[];
  /** Polling period while the socket is down. */
  pollIntervalMs?: number;
  /** Socket retries; after `giveUpAfterMs` of failures the display polls and keeps retrying. */
  reconnect?: Partial<ReconnectPolicy>;
}

const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 1000, maxDelayMs: 15_000, giveUpAfterMs: 3000, jitter: 0.25 };

/**
 * A signage display: shows each verified broadcast of its channels once, in seq
 * order. It listens on the lobby's WebSocket; when that cannot connect it polls
 * GET /api/channels/:channel/messages?after=SEQ and keeps retrying the socket,
 * resuming after the last seq it showed on either path, so nothing is lost or
 * shown twice across a switch. Unsigned or tampered broadcasts are dropped.
 */
export class SignageDisplay {
  status: DisplayStatus = "connecting";
  /** Last seq shown per channel. */
  readonly lastSeq: Record<string, number> = {};
  /** Epoch of each channel's last seq: a broadcast of another epoch starts that channel's count again. */
  readonly epochs: Record<string, string> = {};
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

  async start(): Promise<void> {
    const res = await fetch(`${this.endpoint}/.well-known/jwks.json`);
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

  /** Asks the operators watching `channel` to publish its content again. */
  requestSync(channel: string): void {
    this.room?.send("request-sync", { channel });
  }

  private async connect(): Promise<void> {
    if (this.status === "stopped") return;
    try {
      const room = await this.endpoints.current.client.joinOrCreate("lobby", { channels: this.options.channels, after: this.resumePoints(), epochs: { ...this.epochs } });
      // stop() may have run while joining.
      if ((this.status as DisplayStatus) === "stopped") return void room.leave(true);
      this.room = room;
      this.attempt = 0;
      this.failingSince = 0;
      clearTimeout(this.pollTimer);
      room.onMessage("broadcast", (b: Broadcast) => this.receive(b));
      // The store lost the channel's numbering: what follows counts again from that epoch's start.
      room.onMessage("reset", ({ channel, epoch }: { channel: string; epoch: string }) => this.restart(channel, epoch));
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

  /** The seqs shown so far: the server replays what came after (channels never shown get their retained message). */
  private resumePoints(): Record<string, number> {
    return { ...this.lastSeq };
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
      await Promise.all(this.options.channels.map((channel) => this.pollChannel(channel).catch(() => {})));
      if (this.status === "polling") this.pollTimer = setTimeout(poll, this.options.pollIntervalMs ?? 2000);
    };
    void poll();
  }

  private async pollChannel(channel: string): Promise<void> {
    const query = new URLSearchParams({ after: String(this.lastSeq[channel] ?? 0) });
    if (this.epochs[channel]) query.set("epoch", this.epochs[channel]);
    const res = await fetch(`${this.endpoint}/api/channels/${encodeURIComponent(channel)}/messages?${query}`, {
      headers: { Authorization: `Bearer ${this.options.token}` },
    });
    if (!res.ok) return;
    const { epoch, reset, messages } = (await res.json()) as { epoch?: string; reset: boolean; messages: Broadcast[] };
    if (reset && epoch) this.restart(channel, epoch);
    for (const b of messages) this.receive(b);
  }

  private restart(channel: string, epoch: string): void {
    this.queue = this.queue.then(() => {
      this.epochs[channel] = epoch;
      this.lastSeq[channel] = 0;
    });
  }

  /** Shown already: a seq at or below the last shown of the same epoch (a replay, the retained copy). */
  private alreadyShown(b: Broadcast): boolean {
    return b.epoch === this.epochs[b.channel] && b.seq <= (this.lastSeq[b.channel] ?? 0);
  }

  private receive(b: Broadcast): void {
    this.queue = this.queue.then(async () => {
      if (this.alreadyShown(b)) return;
      if (!(await this.verify!(b))) {
        this.rejected++;
        return;
      }
      if (this.alreadyShown(b)) return;
      this.epochs[b.channel] = b.epoch;
      this.lastSeq[b.channel] = b.seq;
      this.messageListeners.emit(b);
    });
  }

  private setStatus(status: DisplayStatus): void {
    if (this.status === status || this.status === "stopped") return;
    this.status = status;
    this.statusListeners.emit(status);
  }
}

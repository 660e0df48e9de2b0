import type { Presence } from "@colyseus/core";
import { backlogKey, presenceTopic, seqKey } from "./keys";
import { fanoutPublishes } from "../../server/metrics";

/** One channel message. `seq` counts per channel from 1; ephemeral messages have seq 0 and are never stored. */
export interface FanoutMessage<T = unknown> {
  key: string;
  seq: number;
  ts: number;
  payload: T;
}

export type FanoutListener = (message: FanoutMessage) => void;

export interface History {
  messages: FanoutMessage[];
  /** True when messages after the requested seq were already evicted from the bounded backlog. */
  gap: boolean;
}

interface Envelope {
  origin: string;
  message: FanoutMessage;
}

/**
 * The only path by which channel messages reach clients, for match chat and
 * signage alike. Numbering and the bounded backlog live in Colyseus presence,
 * so the same code is single-node on LocalPresence and multi-node on
 * RedisPresence. Local subscribers are served directly; other nodes get the
 * message through one presence subscription per channel per node (exactly once).
 */
export class Fanout {
  private readonly listeners = new Map<string, Set<FanoutListener>>();
  private readonly remoteHandlers = new Map<string, (envelope: Envelope) => void>();

  constructor(
    private readonly presence: Presence,
    private readonly nodeId: string,
    /** Messages kept per channel for resume and late joiners. */
    readonly backlogSize: number,
  ) {}

  /**
   * Numbers, stores and delivers a message on every node. `payload` may be built
   * from the assigned seq (a signature must cover it).
   */
  async publish<T>(key: string, payload: T | ((seq: number) => T | Promise<T>)): Promise<FanoutMessage<T>> {
    const seq = await this.presence.incr(seqKey(key));
    const body = typeof payload === "function" ? await (payload as (seq: number) => T | Promise<T>)(seq) : payload;
    const message: FanoutMessage<T> = { key, seq, ts: Date.now(), payload: body };
    await this.presence.hset(backlogKey(key), String(seq), JSON.stringify(message));
    if (seq > this.backlogSize) await this.presence.hdel(backlogKey(key), String(seq - this.backlogSize));
    fanoutPublishes.inc();
    // Other nodes first: they deliver in parallel while this node loops over its own subscribers.
    this.presence.publish(presenceTopic(key), { origin: this.nodeId, message } satisfies Envelope);
    this.deliver(message);
    return message;
  }

  /** Delivers to current subscribers only: no seq, never stored or replayed (typing indicators). */
  ephemeral<T>(key: string, payload: T): void {
    const message: FanoutMessage<T> = { key, seq: 0, ts: Date.now(), payload };
    this.presence.publish(presenceTopic(key), { origin: this.nodeId, message } satisfies Envelope);
    this.deliver(message);
  }

  /** Registers a local listener; returns its removal. */
  subscribe(key: string, listener: FanoutListener): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      const onRemote = (envelope: Envelope) => {
        if (envelope.origin !== this.nodeId) this.deliver(envelope.message);
      };
      this.remoteHandlers.set(key, onRemote);
      void this.presence.subscribe(presenceTopic(key), onRemote);
    }
    set.add(listener);
    return () => this.unsubscribe(key, listener);
  }

  subscriberCount(key: string): number {
    return this.listeners.get(key)?.size ?? 0;
  }

  /** Local subscribers per channel key. */
  *subscriberCounts(): IterableIterator<[string, number]> {
    for (const [key, set] of this.listeners) yield [key, set.size];
  }

  /** Stored messages with seq > `after`, oldest first. */
  async history(key: string, after: number): Promise<History> {
    const [stored, latest] = await Promise.all([this.presence.hgetall(backlogKey(key)), this.latestSeq(key)]);
    const messages = Object.values(stored ?? {})
      .map((raw) => JSON.parse(raw) as FanoutMessage)
      .filter((m) => m.seq > after)
      .sort((a, b) => a.seq - b.seq);
    const oldestKept = messages.length > 0 ? messages[0].seq : latest + 1;
    return { messages, gap: oldestKept > after + 1 && latest > after };
  }

  /** The channel's last message, if any is still stored. */
  async retained(key: string): Promise<FanoutMessage | undefined> {
    const latest = await this.latestSeq(key);
    if (latest === 0) return undefined;
    const raw = await this.presence.hget(backlogKey(key), String(latest));
    return raw ? (JSON.parse(raw) as FanoutMessage) : undefined;
  }

  async latestSeq(key: string): Promise<number> {
    return Number((await this.presence.get(seqKey(key))) ?? 0);
  }

  /** Forgets a channel's numbering and backlog (a disposed match's channels). */
  async drop(key: string): Promise<void> {
    await Promise.all([this.presence.del(seqKey(key)), this.presence.del(backlogKey(key))]);
  }

  private unsubscribe(key: string, listener: FanoutListener): void {
    const set = this.listeners.get(key);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(key);
    // Presence subscriptions must be removed explicitly: Colyseus 0.16 leaks them otherwise (#843).
    this.presence.unsubscribe(presenceTopic(key), this.remoteHandlers.get(key));
    this.remoteHandlers.delete(key);
  }

  private deliver(message: FanoutMessage): void {
    const set = this.listeners.get(message.key);
    if (!set) return;
    for (const listener of set) listener(message);
  }
}

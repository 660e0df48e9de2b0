import type { Presence } from "@colyseus/core";
import type { ChannelHead, ChannelStore, FanoutMessage } from "./ChannelStore";
import { DeliveryTurns, NextTick } from "./DeliveryTurns";
import { presenceTopic } from "./keys";

export type { FanoutMessage } from "./ChannelStore";

export type FanoutListener = (message: FanoutMessage) => void;

/** Where a reader stands on a channel: the last seq it has, and of which epoch (unknown when it never said). */
export interface ChannelPosition {
  epoch?: string;
  seq: number;
}

export interface History {
  /** The channel's current epoch; undefined while nothing is numbered on it. */
  epoch?: string;
  /** Stored messages after the position, oldest first (from the epoch's start when `reset`). */
  messages: FanoutMessage[];
  /** Messages after the position were already evicted from the bounded backlog. */
  gap: boolean;
  /** The position is of another epoch (the store lost the channel since): it counts again from 0. */
  reset: boolean;
}

/** Higher than any seq: reads nothing but the head. */
const HEAD_ONLY = Number.MAX_SAFE_INTEGER;

/**
 * The only path by which channel messages reach clients, for match chat and
 * signage alike. The store numbers, keeps and publishes each message in one
 * step; every node (this one included) receives a channel's messages through
 * one presence subscription, in seq order, and hands them to its local listeners.
 */
export class Fanout {
  private readonly listeners = new Map<string, Set<FanoutListener>>();
  private readonly members = new Map<string, number>();
  private readonly streamHandlers = new Map<string, (message: FanoutMessage) => void>();
  /** Per channel: settles once the presence subscription is in place (Redis acknowledged SUBSCRIBE). */
  private readonly streamsLive = new Map<string, Promise<void>>();

  /** Local deliveries share the event loop through this, in the gaps between the node's ticks. */
  readonly deliveries: DeliveryTurns;

  constructor(
    private readonly store: ChannelStore,
    private readonly presence: Presence,
    /** The node's ticks, which deliveries keep clear of. */
    ticks: NextTick,
    /** Counts numbered publishes (the server's `arena_fanout_publishes_total`). */
    private readonly published: { inc(): void } = { inc: () => {} },
  ) {
    this.deliveries = new DeliveryTurns(ticks);
  }

  /**
   * Numbers, stores and publishes a message; subscribers on every node get it
   * from the stream. Rejects with ApiError `store_unavailable` when the store is
   * unreachable (then no subscriber gets it).
   */
  async publish<T>(key: string, payload: T): Promise<FanoutMessage<T>> {
    const message = await this.store.append(key, payload);
    this.published.inc();
    return message;
  }

  /** Delivers to current subscribers only: no seq, never stored or replayed (typing indicators). */
  ephemeral<T>(key: string, payload: T): void {
    const message: FanoutMessage<T> = { key, epoch: "", seq: 0, ts: Date.now(), payload };
    this.presence.publish(presenceTopic(key), message);
  }

  /** Registers a local listener; returns its removal. */
  subscribe(key: string, listener: FanoutListener): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      const onStream = (message: FanoutMessage) => this.deliver(key, message);
      this.streamHandlers.set(key, onStream);
      // A failed SUBSCRIBE (Redis away) is redone by ioredis on reconnection, which onStreamResumed reports.
      const live = Promise.resolve(this.presence.subscribe(presenceTopic(key), onStream)).then(() => {}, () => {});
      this.streamsLive.set(key, live);
    }
    set.add(listener);
    return () => this.unsubscribe(key, listener);
  }

  /**
   * Settles once this node receives `key`'s stream: a starting point read
   * after it misses nothing, since every later message comes on the stream.
   */
  streamLive(key: string): Promise<void> {
    return this.streamsLive.get(key) ?? Promise.resolve();
  }

  /** `listener` runs when the stream was cut off and is back: what was published meanwhile must be read from the backlog. */
  onStreamResumed(listener: () => void): () => void {
    return this.store.onStreamResumed(listener);
  }

  subscriberCount(key: string): number {
    return this.listeners.get(key)?.size ?? 0;
  }

  /** Counts a member of a room's audience on `key` in (+1) or out (-1): rooms share one listener per channel. */
  countMember(key: string, delta: 1 | -1): void {
    const n = (this.members.get(key) ?? 0) + delta;
    if (n > 0) this.members.set(key, n);
    else this.members.delete(key);
  }

  /** Local audience members per channel key, every room's together. */
  memberCounts(): IterableIterator<[string, number]> {
    return this.members.entries();
  }

  /** What a reader at `from` is owed from the backlog. */
  async history(key: string, from: ChannelPosition): Promise<History> {
    let log = await this.store.read(key, from.seq);
    if (!log.head) return { messages: [], gap: false, reset: false };
    const reset = (from.epoch !== undefined && from.epoch !== log.head.epoch) || from.seq > log.head.seq;
    if (reset) log = await this.store.read(key, 0);
    if (!log.head) return { messages: [], gap: false, reset: false };
    const after = reset ? 0 : from.seq;
    const oldestKept = log.messages[0]?.seq ?? log.head.seq + 1;
    return { epoch: log.head.epoch, messages: log.messages, gap: oldestKept > after + 1 && log.head.seq > after, reset };
  }

  /** The channel's last message, if any is still stored. */
  async retained(key: string): Promise<FanoutMessage | undefined> {
    const head = await this.head(key);
    if (!head) return undefined;
    const { messages } = await this.store.read(key, head.seq - 1);
    return messages.find((m) => m.epoch === head.epoch && m.seq === head.seq);
  }

  /** How far the channel's numbering got; undefined while nothing is numbered on it. */
  async head(key: string): Promise<ChannelHead | undefined> {
    return (await this.store.read(key, HEAD_ONLY)).head;
  }

  /** False while the store is known to be unreachable (see ChannelStore.reachable). */
  storeReachable(): boolean {
    return this.store.reachable();
  }

  /** Forgets a channel's numbering and backlog (a disposed match's channels). */
  drop(key: string): Promise<void> {
    return this.store.drop(key);
  }

  private unsubscribe(key: string, listener: FanoutListener): void {
    const set = this.listeners.get(key);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(key);
    // Presence subscriptions must be removed explicitly: Colyseus 0.16 leaks them otherwise (#843).
    this.presence.unsubscribe(presenceTopic(key), this.streamHandlers.get(key));
    this.streamHandlers.delete(key);
    this.streamsLive.delete(key);
  }

  private deliver(key: string, message: FanoutMessage): void {
    const set = this.listeners.get(key);
    if (!set) return;
    for (const listener of set) listener(message);
  }
}

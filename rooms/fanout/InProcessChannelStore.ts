import type { Presence } from "@colyseus/core";
import type { ChannelLog, ChannelStore, FanoutMessage } from "./ChannelStore";
import { newEpoch } from "./epoch";
import { presenceTopic } from "./keys";

interface Channel {
  epoch: string;
  seq: number;
  backlog: FanoutMessage[];
}

/**
 * Channels in this process's memory, for a single node on in-process presence.
 * `append` numbers, stores and publishes synchronously, so publishes leave in seq order.
 */
export class InProcessChannelStore implements ChannelStore {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly presence: Presence, private readonly backlogSize: number) {}

  async append<T>(key: string, payload: T): Promise<FanoutMessage<T>> {
    let channel = this.channels.get(key);
    if (!channel) this.channels.set(key, (channel = { epoch: newEpoch(), seq: 0, backlog: [] }));
    const message: FanoutMessage<T> = { key, epoch: channel.epoch, seq: ++channel.seq, ts: Date.now(), payload };
    channel.backlog.push(message);
    if (channel.backlog.length > this.backlogSize) channel.backlog.shift();
    this.presence.publish(presenceTopic(key), message);
    return message;
  }

  async read(key: string, afterSeq: number): Promise<ChannelLog> {
    const channel = this.channels.get(key);
    if (!channel) return { messages: [] };
    return { head: { epoch: channel.epoch, seq: channel.seq }, messages: channel.backlog.filter((m) => m.seq > afterSeq) };
  }

  async drop(key: string): Promise<void> {
    this.channels.delete(key);
  }

  reachable(): boolean {
    return true;
  }

  onStreamResumed(): () => void {
    return () => {}; // an in-process stream is never cut off
  }
}

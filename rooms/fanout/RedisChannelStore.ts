import type { Cluster, Redis } from "ioredis";
import type { ChannelLog, ChannelStore, FanoutMessage } from "./ChannelStore";
import { unavailable } from "./ChannelStore";
import { newEpoch } from "./epoch";
import { channelHeadKey, channelLogKey, presenceTopic } from "./keys";

/**
 * Numbers, stores, trims and publishes in one script: Redis runs it whole, so
 * no other publish on the channel can come between numbering and publishing.
 * A missing head means the store lost the channel: a new epoch starts at seq 1.
 * KEYS: head, log. ARGV: topic, key (JSON), payload (JSON), ts, epoch if new, backlog size.
 */
const APPEND = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[5]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local message = '{"key":' .. ARGV[2] .. ',"epoch":"' .. epoch .. '","seq":' .. seq .. ',"ts":' .. ARGV[4] .. ',"payload":' .. ARGV[3] .. '}'
redis.call('ZADD', KEYS[2], seq, message)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[6]) + 1))
redis.call('PUBLISH', ARGV[1], message)
return message
`;

/** The head and the log after ARGV[1], read together. Returns {} or {epoch, seq, message...}. */
const READ = `
local head = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if not head[1] then return {} end
local out = {head[1], head[2]}
for _, message in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')) do out[#out + 1] = message end
return out
`;

type Client = (Redis | Cluster) & {
  arenaChannelAppend(head: string, log: string, topic: string, key: string, payload: string, ts: number, epoch: string, backlog: number): Promise<string>;
  arenaChannelRead(head: string, log: string, afterSeq: number): Promise<string[]>;
};

/**
 * Channels in Redis, on the presence's own connections: commands on `client`,
 * the stream on presence's subscriber connection `subscriber` (whose
 * reconnections are what `onStreamResumed` reports).
 */
export class RedisChannelStore implements ChannelStore {
  private readonly client: Client;
  private readonly resumedListeners = new Set<() => void>();

  constructor(client: Redis | Cluster, private readonly subscriber: Redis | Cluster, private readonly backlogSize: number) {
    client.defineCommand("arenaChannelAppend", { numberOfKeys: 2, lua: APPEND });
    client.defineCommand("arenaChannelRead", { numberOfKeys: 2, lua: READ });
    this.client = client as Client;
    // Either connection's return can be what a catch-up waited for: the stream's (messages were missed)
    // or the commands' (a catch-up started while it was down failed).
    subscriber.on("ready", () => void this.streamResumed());
    client.on("ready", () => void this.streamResumed());
  }

  append<T>(key: string, payload: T): Promise<FanoutMessage<T>> {
    return this.command(async () => {
      const raw = await this.client.arenaChannelAppend(
        channelHeadKey(key), channelLogKey(key), presenceTopic(key), JSON.stringify(key), JSON.stringify(payload), Date.now(), newEpoch(), this.backlogSize,
      );
      return JSON.parse(raw) as FanoutMessage<T>;
    });
  }

  read(key: string, afterSeq: number): Promise<ChannelLog> {
    return this.command(async () => {
      const [epoch, seq, ...messages] = await this.client.arenaChannelRead(channelHeadKey(key), channelLogKey(key), afterSeq);
      if (epoch === undefined) return { messages: [] };
      return { head: { epoch, seq: Number(seq) }, messages: messages.map((raw) => JSON.parse(raw) as FanoutMessage) };
    });
  }

  drop(key: string): Promise<void> {
    return this.command(async () => {
      await this.client.del(channelHeadKey(key), channelLogKey(key));
    });
  }

  reachable(): boolean {
    return !LOST.has(this.client.status);
  }

  onStreamResumed(listener: () => void): () => void {
    this.resumedListeners.add(listener);
    return () => this.resumedListeners.delete(listener);
  }

  /**
   * Fails at once while Redis is unreachable rather than queueing the command
   * for ioredis's retries: a caller told "unavailable" can say so to its user,
   * and nothing it was told failed is delivered later.
   */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    if (!this.reachable()) throw unavailable();
    try {
      return await run();
    } catch (error) {
      // A reply error is a refused command (a bug here), not an outage.
      if (error instanceof Error && error.name === "ReplyError") throw error;
      throw unavailable(error);
    }
  }

  private async streamResumed(): Promise<void> {
    // ioredis resubscribes right after 'ready'; a PING answered on the same connection comes after that.
    await this.subscriber.ping().catch(() => {});
    for (const listener of this.resumedListeners) listener();
  }
}

/** ioredis states of a connection that was up and is lost (a first connect still queues its commands). */
const LOST = new Set(["reconnecting", "close", "end"]);

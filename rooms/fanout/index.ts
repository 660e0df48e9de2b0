import type { Presence } from "@colyseus/core";
import { RedisPresence } from "@colyseus/redis-presence";
import type { Cluster, Redis } from "ioredis";
import { Gauge } from "prom-client";
import { loadConfig } from "../../server/config";
import { registry } from "../../server/metrics";
import type { ChannelStore } from "./ChannelStore";
import { Fanout } from "./Fanout";
import { InProcessChannelStore } from "./InProcessChannelStore";
import { RedisChannelStore } from "./RedisChannelStore";
import { signageChannelOf } from "./keys";

const perPresence = new Map<Presence, Fanout>();

/** The process's fan-out over the given presence (one per presence: rooms and HTTP share it). */
export function fanoutFor(presence: Presence): Fanout {
  let fanout = perPresence.get(presence);
  if (!fanout) {
    fanout = new Fanout(channelStoreFor(presence, loadConfig().ARENA_CHANNEL_BACKLOG), presence);
    perPresence.set(presence, fanout);
  }
  return fanout;
}

/**
 * Channels live where presence does: in Redis on presence's own connections (its
 * stream is presence's subscriber connection, whose reconnections the store must
 * see; 0.16 declares both protected), or in this process.
 */
export function channelStoreFor(presence: Presence, backlogSize: number): ChannelStore {
  if (!(presence instanceof RedisPresence)) return new InProcessChannelStore(presence, backlogSize);
  const { pub, sub } = presence as unknown as { pub: Redis | Cluster; sub: Redis | Cluster };
  return new RedisChannelStore(pub, sub, backlogSize);
}

// Signage channels only: match channels are per room and would explode the label set.
new Gauge({
  name: "arena_signage_subscribers",
  help: "Local subscribers per signage channel.",
  labelNames: ["channel"],
  registers: [registry],
  collect() {
    this.reset();
    for (const fanout of perPresence.values()) {
      for (const [key, n] of fanout.subscriberCounts()) {
        const channel = signageChannelOf(key);
        if (channel !== undefined) this.labels(channel).inc(n);
      }
    }
  },
});

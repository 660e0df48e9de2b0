import type { Presence } from "@colyseus/core";
import { RedisPresence } from "@colyseus/redis-presence";
import type { Cluster, Redis } from "ioredis";
import type { ChannelStore } from "./ChannelStore";
import { InProcessChannelStore } from "./InProcessChannelStore";
import { RedisChannelStore } from "./RedisChannelStore";

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

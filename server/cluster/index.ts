import { matchMaker, Room } from "@colyseus/core";
import type { ArenaConfig } from "../config";
import { NodeRegistry } from "./NodeRegistry";

/** Registers this node and its `rooms` (after matchmaking is set up: its processId and presence exist). */
export async function startNodeRegistry(settings: ArenaConfig, rooms: Iterable<Room>): Promise<NodeRegistry> {
  const registry = new NodeRegistry(matchMaker.presence, {
    nodeId: matchMaker.processId,
    address: settings.ARENA_PUBLIC_ADDRESS ?? `localhost:${settings.PORT}`,
    heartbeatSeconds: settings.ARENA_NODE_HEARTBEAT_SECONDS,
    ttlSeconds: settings.ARENA_NODE_TTL_SECONDS,
    weight: settings.ARENA_NODE_WEIGHT,
  }, rooms);
  await registry.start();
  return registry;
}

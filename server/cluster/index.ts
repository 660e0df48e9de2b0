import { matchMaker, Room } from "@colyseus/core";
import type { ArenaConfig } from "../config";
import { NodeRegistry } from "./NodeRegistry";

let registry: NodeRegistry | undefined;

/** Registers this node and its `rooms` (after matchmaking is set up: its processId and presence exist). */
export async function startNodeRegistry(settings: ArenaConfig, rooms: Iterable<Room>): Promise<NodeRegistry> {
  registry = new NodeRegistry(matchMaker.presence, {
    nodeId: matchMaker.processId,
    address: settings.ARENA_PUBLIC_ADDRESS ?? `localhost:${settings.PORT}`,
    heartbeatSeconds: settings.ARENA_NODE_HEARTBEAT_SECONDS,
    ttlSeconds: settings.ARENA_NODE_TTL_SECONDS,
  }, rooms);
  await registry.start();
  return registry;
}

/** This node's registry, once started. */
export function nodeRegistry(): NodeRegistry | undefined {
  return registry;
}

/** For matchmaking: the least loaded live node, or this one before the registry runs. */
export function selectNodeForNewRoom(): Promise<string> {
  return registry ? registry.selectNodeForNewRoom() : Promise.resolve(matchMaker.processId);
}

/** Presence keys of the node registry, built here only. */
export const NODES_KEY = "arena:nodes";
export const nodeAliveKey = (nodeId: string): string => `arena:node:alive:${nodeId}`;
/** Colyseus 0.16's lobby channel: `<roomId>,1` tells every lobby a room is gone. */
export const COLYSEUS_LOBBY_CHANNEL = "$lobby";

/** Presence keys of the node registry, built here only. */
export const NODES_KEY = "arena:nodes";
export const nodeAliveKey = (nodeId: string): string => `arena:node:alive:${nodeId}`;
/** Colyseus 0.16's lobby channel: `<roomId>,1` tells every lobby a room is gone. */
export const COLYSEUS_LOBBY_CHANNEL = "$lobby";
/** Connections per client IP across all nodes, and each node's share of them. */
export const CONNECTIONS_KEY = "arena:connections";
export const nodeConnectionsKey = (nodeId: string): string => `arena:connections:${nodeId}`;

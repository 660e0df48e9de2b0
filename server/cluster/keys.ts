/** Presence keys of the node registry, built here only. */
export const NODES_KEY = "arena:nodes";
export const nodeAliveKey = (nodeId: string): string => `arena:node:alive:${nodeId}`;
/**
 * Every lobby re-reads the whole match listing when a message (a node id) arrives here: a dead
 * node's rooms were removed, or a node wrote its rooms again after the store came back.
 */
export const RELIST_CHANNEL = "arena:listings:relist";
/** Connections per client IP across all nodes, and each node's share of them. */
export const CONNECTIONS_KEY = "arena:connections";
export const nodeConnectionsKey = (nodeId: string): string => `arena:connections:${nodeId}`;

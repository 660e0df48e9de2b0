/** Presence keys of the node registry, built here only. */
export const NODES_KEY = "arena:nodes";
export const nodeAliveKey = (nodeId: string): string => `arena:node:alive:${nodeId}`;
/**
 * Every lobby re-reads the whole match listing when a message (a node id) arrives here: a dead
 * node's rooms were removed, or a node wrote its rooms again after the store came back.
 */
export const RELIST_CHANNEL = "arena:listings:relist";
/** Rooms per node for placement: each node's real count at its last heartbeat, plus the rooms placed on it since. */
export const PLACED_ROOMS_KEY = "arena:placed-rooms";
/** Seats per client address (or per identity) across all nodes, and each node's share of them. */
export type ConnectionScope = "address" | "identity";
const CONNECTIONS_PREFIX: Record<ConnectionScope, string> = { address: "arena:connections", identity: "arena:identity-connections" };
export const connectionsKey = (scope: ConnectionScope): string => CONNECTIONS_PREFIX[scope];
export const nodeConnectionsKey = (scope: ConnectionScope, nodeId: string): string => `${CONNECTIONS_PREFIX[scope]}:${nodeId}`;

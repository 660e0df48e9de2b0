import type { Presence } from "@colyseus/core";
import { ConnectionScope, connectionsKey, nodeConnectionsKey } from "../cluster/keys";

/**
 * Seats held per key (a client address, or an identity). Narrow on purpose: a shared
 * implementation (Redis, for several nodes) replaces the in-process one without
 * touching its callers, hence the Promises.
 */
export interface ConnectionLimiter {
  /** Counts one more for `ip` unless it already holds the maximum; false = refuse it. */
  tryAcquire(ip: string): Promise<boolean>;
  /** Forgets one of `ip`'s. */
  release(ip: string): Promise<void>;
  /** What `ip` holds now. */
  count(ip: string): Promise<number>;
  /** The `n` keys holding the most, most first. */
  top(n: number): Promise<Array<{ ip: string; connections: number }>>;
  /** Gives back what a dead node still held (shared limiters only). */
  forgetNode?(deadNodeId: string): Promise<void>;
}

/** This node's connections only: right for a single node. */
export class InProcessConnectionLimiter implements ConnectionLimiter {
  private readonly byIp = new Map<string, number>();

  constructor(readonly maxPerIp: number) {}

  async tryAcquire(ip: string): Promise<boolean> {
    const held = this.byIp.get(ip) ?? 0;
    if (held >= this.maxPerIp) return false;
    this.byIp.set(ip, held + 1);
    return true;
  }

  async release(ip: string): Promise<void> {
    const held = this.byIp.get(ip) ?? 0;
    if (held <= 1) this.byIp.delete(ip);
    else this.byIp.set(ip, held - 1);
  }

  async count(ip: string): Promise<number> {
    return this.byIp.get(ip) ?? 0;
  }

  async top(n: number): Promise<Array<{ ip: string; connections: number }>> {
    return [...this.byIp].sort((a, b) => b[1] - a[1]).slice(0, n).map(([ip, connections]) => ({ ip, connections }));
  }
}

/**
 * Connections per IP shared by every node through Colyseus presence (Redis):
 * one global count per IP, plus each node's own share so that the survivors
 * can give back the connections of a node that died without releasing them.
 */
export class SharedConnectionLimiter implements ConnectionLimiter {
  constructor(
    private readonly presence: Presence,
    readonly maxPerIp: number,
    private readonly nodeId: () => string,
    /** What is counted: "address" (CONNECTIONS_KEY) or "identity". */
    private readonly scope: ConnectionScope = "address",
  ) {}

  private get totalKey(): string {
    return connectionsKey(this.scope);
  }

  async tryAcquire(ip: string): Promise<boolean> {
    const held = await this.presence.hincrby(this.totalKey, ip, 1);
    if (held > this.maxPerIp) {
      await this.presence.hincrby(this.totalKey, ip, -1);
      return false;
    }
    await this.presence.hincrby(nodeConnectionsKey(this.scope, this.nodeId()), ip, 1);
    return true;
  }

  async release(ip: string): Promise<void> {
    await this.presence.hincrby(this.totalKey, ip, -1);
    await this.presence.hincrby(nodeConnectionsKey(this.scope, this.nodeId()), ip, -1);
  }

  async count(ip: string): Promise<number> {
    return Number((await this.presence.hget(this.totalKey, ip)) ?? 0);
  }

  async top(n: number): Promise<Array<{ ip: string; connections: number }>> {
    const all = await this.presence.hgetall(this.totalKey);
    return Object.entries(all ?? {})
      .map(([ip, held]) => ({ ip, connections: Number(held) }))
      .filter((e) => e.connections > 0)
      .sort((a, b) => b.connections - a.connections)
      .slice(0, n);
  }

  /** Gives back every connection a dead node still held. */
  async forgetNode(deadNodeId: string): Promise<void> {
    const nodeKey = nodeConnectionsKey(this.scope, deadNodeId);
    const held = await this.presence.hgetall(nodeKey);
    for (const [ip, n] of Object.entries(held ?? {})) {
      if (Number(n) > 0) await this.presence.hincrby(this.totalKey, ip, -Number(n));
    }
    await this.presence.del(nodeKey);
  }
}

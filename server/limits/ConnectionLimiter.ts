/**
 * Concurrent WebSocket connections per client IP. Narrow on purpose: a shared
 * implementation (Redis, for several nodes) replaces the in-process one without
 * touching its callers, hence the Promises.
 */
export interface ConnectionLimiter {
  /** Counts one more connection for `ip` unless it already holds the maximum; false = refuse it. */
  tryAcquire(ip: string): Promise<boolean>;
  /** Forgets one connection of `ip` (its socket closed). */
  release(ip: string): Promise<void>;
  /** Connections `ip` holds now. */
  count(ip: string): Promise<number>;
  /** The `n` IPs holding the most connections, most first. */
  top(n: number): Promise<Array<{ ip: string; connections: number }>>;
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

/** A sustained rate with a burst allowance. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket: holds up to `burst` tokens, refilled at `perSecond`; each
 * message spends one. Synchronous and allocation-free on purpose: it runs on
 * every client message, and an async limiter would reorder a client's messages.
 */
export class TokenBucket {
  private tokens: number;

  constructor(private readonly limit: RateLimit, private lastMs: number) {
    this.tokens = limit.burst;
  }

  /** Spends a token at time `nowMs`; false when the bucket is empty. */
  take(nowMs: number): boolean {
    const refill = ((nowMs - this.lastMs) / 1000) * this.limit.perSecond;
    this.tokens = Math.min(this.limit.burst, this.tokens + refill);
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

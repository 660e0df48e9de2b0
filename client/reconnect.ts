import { closeCodeMeaning } from "../schema/codes";

/** How the SDK retries a lost connection (the `reconnect` option of MatchSession and SignageDisplay). */
export interface ReconnectPolicy {
  /** First retry delay; each further retry doubles it. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Stop trying after this long (the server's grace window, ARENA_RECONNECT_GRACE_SECONDS). */
  giveUpAfterMs: number;
  /** ± fraction of each delay drawn at random, so a crowd does not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 8000,
  giveUpAfterMs: 20_000,
  jitter: 0.25,
};

/** Delay before retry number `attempt` (0-based): 1 s, 2 s, 4 s ... capped, with jitter. */
export function backoffDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  return base * (1 + policy.jitter * (2 * random() - 1));
}

/** False for close codes after which reconnecting is pointless (left on purpose, kicked, match gone). */
export function shouldReconnect(code: number): boolean {
  return closeCodeMeaning(code).reconnect;
}

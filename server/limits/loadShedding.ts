import { monitorEventLoopDelay } from "node:perf_hooks";
import type { RequestHandler } from "express";
import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../ApiError";

/** How often the event loop monitor samples (Node includes it in every sample). */
const SAMPLE_MS = 10;
/** Each judgement covers this long: a hundred samples, so one garbage collection pause is not its p99. */
export const SHED_WINDOW_MS = 1000;

/**
 * Sheds new publishes while this node's event loop runs late. A node whose
 * timers fire more than `maxLagMs` late (p99 over the last window) is past its
 * core: deliveries already wait behind requests, a relay's latency grows from
 * milliseconds to seconds, and every publish it takes adds to the queue. Such a
 * publish is answered 503 `overloaded` with Retry-After before its body is read,
 * nothing numbered or delivered; the backend's retry (with its Idempotency-Key)
 * lands once the node has caught up. Matches and their rooms are never refused
 * by it. `maxLagMs` 0 turns it off.
 */
export class LoadShedder {
  private readonly delay = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  private lateNow = false;

  constructor(private readonly maxLagMs: number) {}

  get enabled(): boolean {
    return this.maxLagMs > 0;
  }

  /** Starts watching; `judge` ends each window of SHED_WINDOW_MS (the composition root owns the timer). */
  start(): void {
    if (this.enabled) this.delay.enable();
  }

  /** The window just ended: late or not, from its p99 less the sampling interval. */
  judge(): void {
    if (!this.enabled) return;
    this.lateNow = this.delay.count > 0 && this.delay.percentile(99) / 1e6 - SAMPLE_MS > this.maxLagMs;
    this.delay.reset();
  }

  stop(): void {
    this.delay.disable();
  }

  get overloaded(): boolean {
    return this.lateNow;
  }

  /** First on a publish route: refuses while the node is overloaded. */
  readonly refuseWhenOverloaded: RequestHandler = (_req, _res, next) => {
    if (!this.lateNow) return next();
    next(new ApiError(ErrorCode.OVERLOADED, `this node is running ${this.maxLagMs} ms or more late; retry after the Retry-After seconds`, 1));
  };
}

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { RequestHandler } from "express";
import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../ApiError";

/** How often the event loop monitor samples (Node includes it in every sample). */
const SAMPLE_MS = 10;
/** Each judgement of the event loop covers this long: a hundred samples, so one garbage collection pause is not its p99. */
export const SHED_WINDOW_MS = 1000;
/**
 * The deliveries' lateness is read again at most this often, on a publish: a backlog grows by thousands of
 * messages a second, so a second's judgement would let it build to seconds before shedding began.
 */
const DELIVERIES_CHECK_MS = 10;

/**
 * Sheds new publishes while this node runs late: its timers fire more than
 * `maxLagMs` late (event loop p99 over the last window), or its oldest waiting
 * delivery has waited longer than that (`deliveriesLateMs`). Either way the node
 * is past its core: every publish it takes adds to a backlog that makes each
 * message as late as the backlog is long (a relay's latency grows from
 * milliseconds to seconds while every message still arrives). Such a publish is
 * answered 503 `overloaded` with Retry-After before its body is read, nothing
 * numbered or delivered; the backend's retry (with its Idempotency-Key) lands
 * once the node has caught up. Matches and their rooms are never refused by it.
 * `maxLagMs` 0 turns it off.
 */
export class LoadShedder {
  private readonly delay = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  private loopLate = false;
  private deliveriesLate = false;
  private deliveriesCheckedAt = -Infinity;

  constructor(private readonly maxLagMs: number, private readonly deliveriesLateMs: () => number) {}

  get enabled(): boolean {
    return this.maxLagMs > 0;
  }

  /** Starts watching; `judge` ends each window of SHED_WINDOW_MS (the composition root owns the timer). */
  start(): void {
    if (this.enabled) this.delay.enable();
  }

  /** The event loop's window just ended: late or not, from its p99 less the sampling interval. */
  judge(): void {
    if (!this.enabled) return;
    this.loopLate = this.delay.count > 0 && this.delay.percentile(99) / 1e6 - SAMPLE_MS > this.maxLagMs;
    this.delay.reset();
  }

  stop(): void {
    this.delay.disable();
  }

  /** Its event loop ran late over the last window, or its oldest waiting delivery has waited too long. */
  get overloaded(): boolean {
    if (!this.enabled) return false;
    const now = performance.now();
    if (now - this.deliveriesCheckedAt >= DELIVERIES_CHECK_MS) {
      this.deliveriesCheckedAt = now;
      this.deliveriesLate = this.deliveriesLateMs() > this.maxLagMs;
    }
    return this.loopLate || this.deliveriesLate;
  }

  /** First on a publish route: refuses while the node is overloaded. */
  readonly refuseWhenOverloaded: RequestHandler = (_req, _res, next) => {
    if (!this.overloaded) return next();
    next(new ApiError(ErrorCode.OVERLOADED, `this node's event loop or deliveries run ${this.maxLagMs} ms or more late; retry after the Retry-After seconds`, 1));
  };
}

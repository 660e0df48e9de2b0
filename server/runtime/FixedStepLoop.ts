import type { StepCalendar } from "./StepCalendar";

/**
 * A fixed-timestep loop on a drift-corrected clock. Each wake is scheduled for
 * the next step's deadline on the monotonic clock, so the rate averages exactly
 * 1/stepSeconds whatever setTimeout's rounding (Colyseus 0.16's
 * setSimulationInterval is a plain setInterval and drifts, colyseus#324).
 * A late wake catches up with at most `maxCatchUpSteps` steps; beyond that the
 * backlog is dropped rather than letting the game run in slow motion forever.
 */
export interface FixedStepLoopOptions {
  stepSeconds: number;
  maxCatchUpSteps: number;
  /** One fixed step. */
  step(dt: number): void;
  /** After the steps of one wake (e.g. send the patch); `workStartMs` is when the wake began. */
  afterSteps(steps: number, workStartMs: number, sinceLastWakeMs: number): void;
  onError(error: unknown): void;
  /** The node's calendar of wakes, if other work on the loop should keep clear of this one's. */
  calendar?: StepCalendar;
}

export class FixedStepLoop {
  private nextDeadline = 0;
  private lastWake = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: FixedStepLoopOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastWake = performance.now();
    this.nextDeadline = this.lastWake + this.options.stepSeconds * 1000;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.options.calendar?.cancel(this);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.running) return;
    // Rounded up: a wake that lands just before its deadline would only re-arm (twice the wakes).
    const delay = Math.max(0, Math.ceil(this.nextDeadline - performance.now()));
    this.timer = setTimeout(this.wake, delay);
    this.options.calendar?.book(this, this.nextDeadline);
  }

  private readonly wake = (): void => {
    const now = performance.now();
    const stepMs = this.options.stepSeconds * 1000;
    let steps = 0;
    try {
      while (now >= this.nextDeadline && steps < this.options.maxCatchUpSteps) {
        // Advance first: a step that throws must not be retried forever.
        this.nextDeadline += stepMs;
        steps++;
        this.options.step(this.options.stepSeconds);
      }
      if (now >= this.nextDeadline) this.nextDeadline = now + stepMs;
      if (steps > 0) {
        this.options.afterSteps(steps, now, now - this.lastWake);
        this.lastWake = now;
      }
    } catch (error) {
      this.options.onError(error);
    }
    this.schedule();
  };
}

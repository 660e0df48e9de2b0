import { TICK_SECONDS } from "../rooms/match/rules";
import type { PlayerControls } from "../schema/input";
import type { MatchSession } from "./MatchSession";

export interface InputLoopOptions {
  /**
   * Inputs sent at most in one wake when the timer ran late (a throttled
   * background tab, a GC pause). The rest of the missed ticks are skipped,
   * never sent in a burst the server would refuse (`input_queue_full`, rates).
   */
  maxCatchUp?: number;
  /**
   * A tick is skipped while this many inputs are unacknowledged (in flight or
   * queued on the server). Below the server's queue (ARENA_INPUT_QUEUE, 32) and
   * its input burst (ARENA_INPUT_BURST, 32), so a stalled server or link never
   * makes this client overflow either; a round trip up to about 20 ticks
   * (330 ms) never meets it.
   */
  maxUnacked?: number;
}

const TICK_MS = TICK_SECONDS * 1000;

/**
 * Sends `sample()` once per simulation tick (60 Hz) on a drift-free schedule:
 * each wake aims at the next tick's deadline on the monotonic clock, so timer
 * rounding never changes the rate. Returns a function that stops it.
 * Works in browsers and Node (setTimeout + performance.now()).
 */
export function runInputLoop(
  session: Pick<MatchSession, "sendInput" | "prediction">,
  sample: () => PlayerControls,
  options: InputLoopOptions = {},
): () => void {
  const maxCatchUp = options.maxCatchUp ?? 4;
  const maxUnacked = options.maxUnacked ?? 24;
  let deadline = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const wake = () => {
    const due = Math.floor((performance.now() - deadline) / TICK_MS) + 1;
    if (due > 0) {
      for (let i = 0; i < Math.min(due, maxCatchUp); i++) {
        if (session.prediction.pendingCount < maxUnacked) session.sendInput(sample());
      }
      deadline += due * TICK_MS;
    }
    if (!stopped) timer = setTimeout(wake, Math.max(0, deadline - performance.now()));
  };
  wake();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

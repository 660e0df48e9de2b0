import { wallClockMs } from "./wallClock";

/** What the benchmark's publisher puts in every signage payload. */
export interface BenchPayload {
  /** Publish number: 0 for the warm-up publish, 1.. in the measured window. */
  n: number;
  /** wallClockMs() in the publisher just before it sent the HTTP request. */
  sentAt: number;
  /** Filler standing in for content (a slide), so the message has a realistic size. */
  body: string;
}

/**
 * What the displays of one group (one node) measured, whatever protocol they
 * speak: fan-out latency per receipt (publish request sent -> broadcast handed
 * to the display's message handler) and exactly-once checks.
 */
export class DisplayStats {
  /** latenciesMs[n - 1]: the fan-out latency of publish n at each display that got it. */
  readonly latenciesMs: number[][] = [];
  receipts = 0;
  duplicates = 0;
  /** Displays whose connection closed. */
  disconnects = 0;

  /** A display got `seq` carrying `payload`; `seen` is that display's own record. */
  received(seen: Set<number>, seq: number, payload: BenchPayload): void {
    const at = wallClockMs();
    if (payload.n < 1) return;
    if (seen.has(seq)) {
      this.duplicates++;
      return;
    }
    seen.add(seq);
    (this.latenciesMs[payload.n - 1] ??= []).push(at - payload.sentAt);
    this.receipts++;
  }
}

/** The transport-specific half of a display bot: connect, subscribe, listen. */
export interface DisplayBot {
  close(): Promise<void>;
}

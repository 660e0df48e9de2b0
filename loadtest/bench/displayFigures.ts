import type { LatencySummary } from "../bot/summary";
import type { HotFunction } from "./profileSummary";
import { BUSY_MACHINE_PERCENT, FigureInfo } from "./figures";

/**
 * The display scenario's figures for one target (all its nodes together).
 * docs/benchmarks.md defines each one; DISPLAY_FIGURES is the table's order.
 */
export interface DisplayFigures {
  fanoutP50Ms: number;
  fanoutP99Ms: number;
  fanoutMaxMs: number;
  fanoutLastP50Ms: number;
  serverFanoutP99Ms: number;
  publishResponseP50Ms: number;
  rssPerDisplayKB: number;
  heapPerDisplayKB: number;
  serverRssMB: number;
  serverCpuPercent: number;
  serverCpuPerPublishMs: number;
  connectSeconds: number;
  botCpuPercent: number;
  /**
   * The display bot processes' CPU per publish, window minus as long without publishes: one bot process reads
   * its displays' broadcasts one after another, so its last display cannot be reached sooner than this.
   */
  botCpuPerPublishMs: number;
  softirqCpuPercent: number;
  otherCpuPercent: number;
}

export const DISPLAY_FIGURES: readonly FigureInfo<keyof DisplayFigures>[] = [
  { key: "fanoutP50Ms", label: "fan-out latency p50", unit: "ms", digits: 2 },
  { key: "fanoutP99Ms", label: "fan-out latency p99", unit: "ms", digits: 2 },
  { key: "fanoutMaxMs", label: "fan-out latency max", unit: "ms", digits: 2 },
  { key: "fanoutLastP50Ms", label: "last display reached, median publish", unit: "ms", digits: 2 },
  { key: "serverFanoutP99Ms", label: "server publish->socket p99", unit: "ms", digits: 2 },
  { key: "publishResponseP50Ms", label: "publish HTTP response p50", unit: "ms", digits: 2 },
  { key: "rssPerDisplayKB", label: "RSS per idle display", unit: "KB", digits: 1 },
  { key: "heapPerDisplayKB", label: "  JS heap + external per idle display", unit: "KB", digits: 1 },
  { key: "serverRssMB", label: "server RSS with displays (after GC)", unit: "MB", digits: 1 },
  { key: "serverCpuPercent", label: "server CPU during the window", unit: "% of a core", digits: 1 },
  { key: "serverCpuPerPublishMs", label: "server CPU per publish (window minus as long without publishes)", unit: "ms", digits: 2 },
  { key: "connectSeconds", label: "time to connect every display (context)", unit: "s", digits: 1, context: true },
  { key: "botCpuPercent", label: "display bot processes CPU (context)", unit: "% of a core", digits: 1, context: true },
  { key: "botCpuPerPublishMs", label: "display bot CPU per publish (context)", unit: "ms", digits: 2, context: true },
  { key: "softirqCpuPercent", label: "network soft interrupts (context)", unit: "% of a core", digits: 1, context: true },
  { key: "otherCpuPercent", label: "all other processes (context)", unit: "% of a core", digits: 1, context: true },
];

/** A 6v6 match of bots on a node during the publishes: does it keep 60 Hz? */
export interface ColocatedMatch {
  /** p99 of the wall time between two ticks (nominal 16.7 ms), over the publish window. */
  tickIntervalP99Ms: number;
  ticksPerSecond: number;
  /** Match bots whose connection closed during the window. */
  disconnects: number;
}

/** One node's share of a display run. */
export interface DisplayNodeRun {
  node: string;
  displays: number;
  fanout: LatencySummary & { max: number };
  rssPerDisplayKB: number;
  heapPerDisplayKB: number;
  serverCpuPercent: number;
  /** Arena with a co-located match (the default), or the ws peer's 60 Hz loop: that loop's figures during the publishes, */
  colocatedMatch?: ColocatedMatch;
  /** and over as long a window just before them, without publishes. */
  quietMatch?: ColocatedMatch;
}

export interface DisplayRun {
  id: string;
  label: string;
  displays: number;
  /** Measured publishes (the warm-up publish is not counted). */
  publishes: number;
  windowSeconds: number;
  figures: DisplayFigures;
  /** Every node's own figures; one entry on a single node. */
  nodes: DisplayNodeRun[];
  /** CDF of every receipt's fan-out latency, for the chart. */
  fanout: LatencySummary;
  /** Per measured publish: when its last display got it (ms after the request was sent). */
  lastReceiptMs: number[];
  /** Exactly once: receipts that never came, and receipts of a seq a display already had. */
  missing: number;
  duplicates: number;
  disconnects: number;
  /** With --profile: each node's .cpuprofile (whole life: joins and publishes) and its top functions by self time. */
  profiles?: { node: string; file: string; top: HotFunction[] }[];
}

/** Why a display run's figures may not be trusted, if any. */
export function displayWarnings(run: DisplayRun): string[] {
  const warnings: string[] = [];
  if (run.missing > 0) warnings.push(`${run.label}: ${run.missing} of ${run.displays * run.publishes} broadcasts never reached their display`);
  if (run.duplicates > 0) warnings.push(`${run.label}: ${run.duplicates} broadcasts reached a display twice`);
  if (run.disconnects > 0) warnings.push(`${run.label}: ${run.disconnects} displays lost their connection`);
  for (const n of run.nodes) {
    if (n.colocatedMatch && n.colocatedMatch.disconnects > 0) warnings.push(`${run.label} ${n.node}: ${n.colocatedMatch.disconnects} match bots lost their connection`);
  }
  if (run.figures.otherCpuPercent > BUSY_MACHINE_PERCENT) {
    warnings.push(`${run.label}: other processes used ${run.figures.otherCpuPercent.toFixed(0)}% of a core during the window; timing figures are noisy`);
  }
  return warnings;
}

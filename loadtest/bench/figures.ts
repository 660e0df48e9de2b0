import type { LatencySummary } from "../bot/summary";
import type { HotFunction } from "./profileSummary";
import type { Buckets } from "./promText";

/**
 * Every figure the benchmark reports for each target. docs/benchmarks.md
 * defines each one; `FIGURES` is the order and wording of the table.
 */
export interface Figures {
  cpuPerRoomPercent: number;
  serverCpuPercent: number;
  cpuPerPatchUs: number;
  serverKernelCpuPercent: number;
  gcPausePercent: number;
  majorGcs: number;
  rssMB: number;
  rssPerConnectionKB: number;
  tickWorkP50Ms: number;
  tickWorkP99Ms: number;
  tickRateHz: number;
  tickJitterP99Ms: number;
  eventLoopDelayP99Ms: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  patchesPerSecondPerClient: number;
  bytesPerSecondPerClient: number;
  perViewPatchPercent: number;
  botCpuPercent: number;
  softirqCpuPercent: number;
  otherCpuPercent: number;
}

/** One row of a figure table: which figure, how it is labelled and printed. */
export interface FigureInfo<Key extends string = keyof Figures> {
  key: Key;
  label: string;
  unit: string;
  digits: number;
  /** Explains the other figures (the machine during the run, the garbage collector) rather than rating the target: no ratio. */
  context?: boolean;
}

export const FIGURES: readonly FigureInfo[] = [
  { key: "cpuPerRoomPercent", label: "server CPU per room", unit: "% of a core", digits: 2 },
  { key: "serverCpuPercent", label: "server CPU, whole process", unit: "% of a core", digits: 1 },
  { key: "cpuPerPatchUs", label: "server CPU per patch delivered", unit: "µs", digits: 1 },
  { key: "serverKernelCpuPercent", label: "  of which in the kernel", unit: "% of a core", digits: 1 },
  { key: "gcPausePercent", label: "garbage collection pauses (context)", unit: "% of time", digits: 2, context: true },
  { key: "majorGcs", label: "major collections (context)", unit: "count", digits: 0, context: true },
  { key: "rssMB", label: "server RSS under load", unit: "MB", digits: 1 },
  { key: "rssPerConnectionKB", label: "RSS per connection", unit: "KB", digits: 1 },
  { key: "tickWorkP50Ms", label: "tick work time p50", unit: "ms", digits: 3 },
  { key: "tickWorkP99Ms", label: "tick work time p99", unit: "ms", digits: 3 },
  { key: "tickRateHz", label: "effective tick rate", unit: "steps/s", digits: 2 },
  { key: "tickJitterP99Ms", label: "tick interval jitter p99", unit: "ms", digits: 2 },
  { key: "eventLoopDelayP99Ms", label: "event loop delay p99 (context)", unit: "ms", digits: 2, context: true },
  { key: "latencyP50Ms", label: "input->state latency p50", unit: "ms", digits: 2 },
  { key: "latencyP99Ms", label: "input->state latency p99", unit: "ms", digits: 2 },
  { key: "patchesPerSecondPerClient", label: "patches/s per client", unit: "1/s", digits: 1 },
  { key: "bytesPerSecondPerClient", label: "downstream bytes/s per client", unit: "B/s", digits: 0 },
  { key: "perViewPatchPercent", label: "patches encoded per view (context)", unit: "% of patches", digits: 1, context: true },
  { key: "botCpuPercent", label: "bot process CPU (context)", unit: "% of a core", digits: 1, context: true },
  { key: "softirqCpuPercent", label: "network soft interrupts (context)", unit: "% of a core", digits: 1, context: true },
  { key: "otherCpuPercent", label: "all other processes (context)", unit: "% of a core", digits: 1, context: true },
];

/** What one target's run produced: the figures, the raw material of the charts, and validity checks. */
export interface TargetRun {
  id: string;
  label: string;
  rooms: number;
  clients: number;
  /** When the measurement window opened (ms since the epoch). */
  windowStartedAt: number;
  windowSeconds: number;
  /** Targets measured in the same window, their servers on the same CPUs (--paired); empty when it ran alone. */
  ranWith: string[];
  figures: Figures;
  charts: {
    tickWorkBuckets: Buckets;
    tickJitterBuckets: Buckets;
    latency: LatencySummary;
    /** Each bot's median input->state latency (ms), ascending. */
    botMedians: number[];
    /** Server CPU (% of a core) and RSS (MB), one point per second of the window. */
    cpuSeries: number[];
    rssSeries: number[];
  };
  /** The CPUs the server and the bot fleet could run on during the window, read from /proc (cpuPlacement.ts). */
  cpus: { server: string; bots: string };
  /** Refused inputs and lost connections during the window: both should be 0 for a valid run. */
  errorsReceived: number;
  disconnects: number;
  /** With --profile: the server's .cpuprofile and its top functions by self time. */
  profile?: { file: string; top: HotFunction[] };
  /** With --rounds N > 1: every round's own figures, in the order they ran; `figures` are their medians. */
  rounds?: Figures[];
  /** With --nodes N > 1 (a target that scales out): where matchmaking put the matches, and each node's load. */
  nodes?: NodeShare[];
  /** With --nodes N > 1: the CPU of the redis-server the nodes share (% of a core), not in the server figures. */
  redisCpuPercent?: number;
}

/** One node's share of a scaled-out target's window. */
export interface NodeShare {
  /** host:port. */
  address: string;
  /** Matches its bots played on it. */
  matches: number;
  serverCpuPercent: number;
  /** Simulation steps a second over all of its matches (60 per match at the full rate). */
  stepsPerSecond: number;
}

const median = (xs: number[]) => {
  const sorted = xs.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One target's rounds as one run: each figure the median over the rounds, the
 * charts of the round whose CPU per room is the median (the lower middle one of
 * an even count), refused inputs and lost bots summed, every round's figures kept.
 */
export function medianOfRounds(rounds: TargetRun[]): TargetRun {
  const byCpu = rounds.slice().sort((a, b) => a.figures.cpuPerRoomPercent - b.figures.cpuPerRoomPercent);
  const middle = byCpu[Math.floor((byCpu.length - 1) / 2)];
  const figures = Object.fromEntries(FIGURES.map((f) => [f.key, median(rounds.map((r) => r.figures[f.key]))])) as unknown as Figures;
  return {
    ...middle,
    figures,
    errorsReceived: rounds.reduce((n, r) => n + r.errorsReceived, 0),
    disconnects: rounds.reduce((n, r) => n + r.disconnects, 0),
    rounds: rounds.map((r) => r.figures),
  };
}

/** Above this, other processes competed for the cores during a window (% of one core). */
export const BUSY_MACHINE_PERCENT = 10;

/** Why a target's figures may not be trusted, if any: refused inputs, lost bots, a busy machine. */
export function runWarnings(t: TargetRun): string[] {
  const warnings: string[] = [];
  if (t.errorsReceived > 0) warnings.push(`${t.label}: the server refused ${t.errorsReceived} inputs during the window`);
  if (t.disconnects > 0) warnings.push(`${t.label}: ${t.disconnects} bots lost their connection during the window`);
  // Over rounds, the busiest window counts: a median would hide one contended round.
  const other = Math.max(...(t.rounds ?? [t.figures]).map((f) => f.otherCpuPercent));
  if (other > BUSY_MACHINE_PERCENT) {
    warnings.push(`${t.label}: other processes used ${other.toFixed(0)}% of a core during ${t.rounds ? "a window" : "the window"}; timing figures are noisy`);
  }
  return warnings;
}

import type { TargetRun } from "./figures";
import { PortedTarget, runTargets, WindowOptions } from "./runTargets";

/**
 * The 60 Hz service level a server must hold for a size to count: what a
 * player would notice first if it did not.
 */
export const SERVICE_LEVEL = {
  minTickRateHz: 59.5,
  /** Tick interval p99 at most this far past the nominal 16.7 ms. */
  maxTickJitterP99Ms: 4,
  /** Input -> own acknowledged state, p99: two ticks. */
  maxLatencyP99Ms: 33.3,
  maxDisconnects: 0,
} as const;

export interface CapacityRamp {
  /** Matches of 12 bots at the first step, added at each step, and the last size tried. */
  start: number;
  step: number;
  max: number;
}

export interface CapacityStep {
  matches: number;
  held: boolean;
  /** The criteria this size broke (empty when it held). */
  broke: string[];
  tickRateHz: number;
  tickJitterP99Ms: number;
  eventLoopDelayP99Ms: number;
  latencyP99Ms: number;
  disconnects: number;
  cpuPerRoomPercent: number;
  serverCpuPercent: number;
  botCpuPercent: number;
  /** With --nodes N > 1: matches on each node, in node order. */
  matchesPerNode?: number[];
}

export interface CapacityRun {
  id: string;
  label: string;
  /** The largest size that held the service level (0: not even the first step). */
  heldMatches: number;
  /** CPU per room at that size, % of a core. */
  cpuPerRoomPercent?: number;
  /** The first size that broke it and which criteria; absent when every size up to `max` held. */
  brokeAt?: { matches: number; criteria: string[] };
  steps: CapacityStep[];
}

/** Which service-level criteria a window broke. */
export function brokenCriteria(run: TargetRun): string[] {
  const f = run.figures;
  const broke: string[] = [];
  if (f.tickRateHz < SERVICE_LEVEL.minTickRateHz) broke.push(`tick rate ${f.tickRateHz.toFixed(2)} Hz < ${SERVICE_LEVEL.minTickRateHz}`);
  if (f.tickJitterP99Ms > SERVICE_LEVEL.maxTickJitterP99Ms) broke.push(`tick interval p99 ${f.tickJitterP99Ms.toFixed(1)} ms past nominal > ${SERVICE_LEVEL.maxTickJitterP99Ms}`);
  if (f.latencyP99Ms > SERVICE_LEVEL.maxLatencyP99Ms) broke.push(`input->ack p99 ${f.latencyP99Ms.toFixed(1)} ms > ${SERVICE_LEVEL.maxLatencyP99Ms}`);
  if (run.disconnects > SERVICE_LEVEL.maxDisconnects) broke.push(`${run.disconnects} bots disconnected`);
  return broke;
}

/**
 * Capacity mode: for each target alone (its server on its pinned core; with
 * --nodes N, N processes on Redis over every core), adds matches of 12 bots step
 * by step, fresh servers and fleet per step, until a size breaks the service
 * level; reports the last size that held.
 */
export async function runCapacity(targets: PortedTarget[], ramp: CapacityRamp, window: Omit<WindowOptions, "matches">): Promise<CapacityRun[]> {
  const runs: CapacityRun[] = [];
  for (const ported of targets) {
    const run: CapacityRun = { id: ported.target.id, label: ported.target.label, heldMatches: 0, steps: [] };
    for (let matches = ramp.start; matches <= ramp.max; matches += ramp.step) {
      const [measured] = await runTargets([ported], {
        ...window,
        matches,
        onProgress: (line) => window.onProgress(`${line} (capacity: ${matches} matches)`),
      });
      const broke = brokenCriteria(measured);
      const f = measured.figures;
      run.steps.push({
        matches, held: broke.length === 0, broke,
        tickRateHz: f.tickRateHz, tickJitterP99Ms: f.tickJitterP99Ms, eventLoopDelayP99Ms: f.eventLoopDelayP99Ms, latencyP99Ms: f.latencyP99Ms, disconnects: measured.disconnects,
        cpuPerRoomPercent: f.cpuPerRoomPercent, serverCpuPercent: f.serverCpuPercent, botCpuPercent: f.botCpuPercent,
        matchesPerNode: measured.nodes?.map((n) => n.matches),
      });
      if (broke.length > 0) {
        run.brokeAt = { matches, criteria: broke };
        break;
      }
      run.heldMatches = matches;
      run.cpuPerRoomPercent = f.cpuPerRoomPercent;
    }
    runs.push(run);
  }
  return runs;
}

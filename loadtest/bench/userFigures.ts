import type { LatencySummary } from "../bot/summary";
import { BUSY_MACHINE_PERCENT, FigureInfo } from "./figures";
import type { HotFunction } from "./profileSummary";

/**
 * The user channel scenario's figures (Arena, one node). docs/benchmarks.md
 * defines each one; USER_FIGURES is the table's order.
 */
export interface UserFigures {
  serverRelayP50Ms: number;
  serverRelayP95Ms: number;
  serverRelayP99Ms: number;
  deviceRelayP50Ms: number;
  deviceRelayP95Ms: number;
  deviceRelayP99Ms: number;
  pushToDeviceP50Ms: number;
  pushToDeviceP99Ms: number;
  pushResponseP50Ms: number;
  pushResponseP99Ms: number;
  pushRate: number;
  relayRate: number;
  serverCpuPercent: number;
  serverKernelCpuPercent: number;
  cpuPerPushUs: number;
  serverRssStartMB: number;
  serverRssMB: number;
  connectSeconds: number;
  deviceCpuPercent: number;
  pusherCpuPercent: number;
  softirqCpuPercent: number;
  otherCpuPercent: number;
}

export const USER_FIGURES: readonly FigureInfo<keyof UserFigures>[] = [
  { key: "serverRelayP50Ms", label: "relay p50, server histogram", unit: "ms", digits: 2 },
  { key: "serverRelayP95Ms", label: "relay p95, server histogram", unit: "ms", digits: 2 },
  { key: "serverRelayP99Ms", label: "relay p99, server histogram", unit: "ms", digits: 2 },
  { key: "deviceRelayP50Ms", label: "relay p50 at the device (from ts)", unit: "ms", digits: 0 },
  { key: "deviceRelayP95Ms", label: "relay p95 at the device (from ts)", unit: "ms", digits: 0 },
  { key: "deviceRelayP99Ms", label: "relay p99 at the device (from ts)", unit: "ms", digits: 0 },
  { key: "pushToDeviceP50Ms", label: "push request -> device p50", unit: "ms", digits: 2 },
  { key: "pushToDeviceP99Ms", label: "push request -> device p99", unit: "ms", digits: 2 },
  { key: "pushResponseP50Ms", label: "push HTTP response p50", unit: "ms", digits: 2 },
  { key: "pushResponseP99Ms", label: "push HTTP response p99", unit: "ms", digits: 2 },
  { key: "pushRate", label: "pushes accepted per second", unit: "1/s", digits: 0 },
  { key: "relayRate", label: "deliveries relayed per second", unit: "1/s", digits: 0 },
  { key: "serverCpuPercent", label: "server CPU during the window", unit: "% of a core", digits: 1 },
  { key: "serverKernelCpuPercent", label: "  of which in the kernel", unit: "% of a core", digits: 1 },
  { key: "cpuPerPushUs", label: "server CPU per push, its deliveries included", unit: "µs", digits: 1 },
  { key: "serverRssStartMB", label: "server RSS at the window's start", unit: "MB", digits: 1 },
  { key: "serverRssMB", label: "server RSS, peak in the window", unit: "MB", digits: 1 },
  { key: "connectSeconds", label: "time to connect every device (context)", unit: "s", digits: 1, context: true },
  { key: "deviceCpuPercent", label: "device bot processes CPU (context)", unit: "% of a core", digits: 1, context: true },
  { key: "pusherCpuPercent", label: "pusher processes CPU (context)", unit: "% of a core", digits: 1, context: true },
  { key: "softirqCpuPercent", label: "network soft interrupts (context)", unit: "% of a core", digits: 1, context: true },
  { key: "otherCpuPercent", label: "all other processes (context)", unit: "% of a core", digits: 1, context: true },
];

/** Did every message reach exactly its user's devices, once, in order? Counts over the warm-up and the window. */
export interface UserDelivery {
  /** Pushes accepted (201) x devices of the pushed user: what the devices should have received. */
  expected: number;
  /** Distinct messages of their own user the devices received. */
  delivered: number;
  /** Per device, messages of its user it never received, summed. */
  missing: number;
  /** Per device, more distinct messages than its user was pushed (a push numbered but not answered 201), summed. */
  unexpected: number;
  duplicates: number;
  /** Messages of another user (or channel) a device received. */
  foreign: number;
  outOfOrder: number;
  /** `gap` and `reset` notices received. */
  notices: number;
  disconnects: number;
  /** Pushes not answered 201, and the first such answer. */
  pushFailures: number;
  firstPushFailure?: string;
  /** The server's arena_fanout_relayed_total{kind="user"} over the window; should be the window's share of `expected`. */
  serverRelayed: number;
  windowExpected: number;
}

export interface UserRun {
  id: "arena";
  label: string;
  users: number;
  devicesPerUser: number;
  /** Push rate asked for, messages a second, and for how long. */
  rate: number;
  seconds: number;
  pushers: number;
  /** Messages per push request (1: one per request to /api/users/:sub/messages; more: batches to /api/users/messages). */
  batch: number;
  deviceProcesses: number;
  /** Pushes the schedule had for the window that were never sent: the server answered too slowly for the rate. */
  unsent: number;
  /** First push request to last delivery (or the 10 s deadline). */
  windowSeconds: number;
  figures: UserFigures;
  delivery: UserDelivery;
  /** Measured deliveries, for the charts: device relay (whole ms) and push request -> device. */
  deviceRelay: LatencySummary;
  pushToDevice: LatencySummary;
  /** The CPUs the server and the load (devices, pushers) could run on in the window, read from /proc. */
  cpus: { server: string; load: string };
  /** With --profile: the server's .cpuprofile (whole life: joins, warm-up, window) and its top functions by self time. */
  profile?: { file: string; top: HotFunction[] };
}

/** Why a user run's figures may not be trusted, if any. */
export function userWarnings(run: UserRun): string[] {
  const d = run.delivery;
  const warnings: string[] = [];
  const of = `of ${d.expected} expected deliveries`;
  if (d.missing > 0) warnings.push(`user channels: ${d.missing} ${of} never reached their device`);
  if (d.unexpected > 0) warnings.push(`user channels: devices received ${d.unexpected} messages no accepted push accounts for`);
  if (d.duplicates > 0) warnings.push(`user channels: ${d.duplicates} messages reached a device twice`);
  if (d.foreign > 0) warnings.push(`user channels: ${d.foreign} messages reached a device of another user`);
  if (d.outOfOrder > 0) warnings.push(`user channels: ${d.outOfOrder} messages reached a device out of seq order`);
  if (d.notices > 0) warnings.push(`user channels: devices got ${d.notices} gap or reset notices`);
  if (d.disconnects > 0) warnings.push(`user channels: ${d.disconnects} devices lost their connection`);
  if (d.pushFailures > 0) warnings.push(`user channels: ${d.pushFailures} pushes were not accepted (first: ${d.firstPushFailure})`);
  if (d.serverRelayed !== d.windowExpected) {
    warnings.push(`user channels: the server counted ${d.serverRelayed} relays in the window, the devices expected ${d.windowExpected}`);
  }
  if (run.figures.pushRate < 0.95 * run.rate) {
    warnings.push(`user channels: the pushers held ${run.figures.pushRate.toFixed(0)} of the ${run.rate} pushes a second asked for (${run.unsent} pushes unsent)`);
  }
  if (run.figures.otherCpuPercent > BUSY_MACHINE_PERCENT) {
    warnings.push(`user channels: other processes used ${run.figures.otherCpuPercent.toFixed(0)}% of a core during the window; timing figures are noisy`);
  }
  return warnings;
}

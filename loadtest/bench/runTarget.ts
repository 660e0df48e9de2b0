import type { ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { TEAM_SIZE } from "../../rooms/match/rules";
import type { CpuPlacement } from "./cpuPlacement";
import type { Figures, TargetRun } from "./figures";
import type { FleetConfig, FromFleet, ToFleet } from "./fleetProtocol";
import { nextMessage } from "./ipc";
import { mainThreadProfile } from "./profileSummary";
import { forkWithIpc, sleep, startServer, stopProcess, waitForHealthy } from "./processes";
import { cpuPercent, machinePercent, sampleMachine, sampleProcess, systemCpuPercent } from "./procStats";
import { bucketsBetween, counterValue, histogramBuckets, histogramQuantile, parsePrometheusText, Sample } from "./promText";
import { arenaEnv, Target } from "./targets";
import type { FireMode } from "../bot/intentions";

export interface TargetOptions {
  matches: number;
  warmupSeconds: number;
  durationSeconds: number;
  port: number;
  /** Where logs (and the CPU profile) go. */
  runDir: string;
  /** Run the server under --cpu-prof (its profile lands in runDir/profile-<target>). */
  cpuProfile: boolean;
  /** This run's JWT secret: Arena verifies with it, its bots sign with it. */
  secret: string;
  fireMode: FireMode;
  /** CPUs for the server and for the bots (loadtest/bench/cpuPlacement.ts); anywhere when absent. */
  placement?: CpuPlacement;
  onProgress(line: string): void;
}

const LABELS = { type: "match" };

async function scrape(port: number): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parsePrometheusText(await res.text());
}

/**
 * The server-side readings at one edge of the measurement window, taken in the
 * same order at both edges so the scrape's own latency cancels out.
 */
async function readEdge(port: number, serverPid: number, fleetPid: number) {
  const metrics = await scrape(port);
  return { metrics, server: sampleProcess(serverPid), fleet: sampleProcess(fleetPid), machine: sampleMachine() };
}

const nextFromFleet = <T extends FromFleet["type"]>(fleet: ChildProcess, type: T, timeoutMs: number) =>
  nextMessage<FromFleet, T>(fleet, type, timeoutMs);

/**
 * One target's run: start its server, connect matches x 12 bots in a separate
 * process, warm up, then measure for the duration from the bots, the server's
 * /metrics and /proc.
 */
export async function runTarget(target: Target, options: TargetOptions): Promise<TargetRun> {
  const { port } = options;
  const clients = options.matches * TEAM_SIZE * 2;
  const progress = (what: string) => options.onProgress(`[${target.label}] ${what}`);
  const profileDir = path.join(options.runDir, `profile-${target.id}`);
  const nodeFlags = [...(target.nodeFlags ?? []), ...(options.cpuProfile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
  const env = { ...(target.arena ? arenaEnv(options.secret) : {}), ...target.env, PORT: String(port) };
  const server = await startServer(target.entry, env, path.join(options.runDir, `${target.id}.log`), { nodeFlags, runner: target.runner, cpus: options.placement?.server });
  let fleet: ChildProcess | undefined;
  let run: TargetRun;
  try {
    progress("starting server");
    await waitForHealthy(`http://127.0.0.1:${port}/healthz`, server);
    const idle = sampleProcess(server.pid!);

    const fleetConfig: FleetConfig = {
      protocol: target.protocol,
      endpoint: `ws://127.0.0.1:${port}`,
      bots: clients,
      secret: target.arena ? options.secret : undefined,
      fireMode: options.fireMode,
    };
    progress(`connecting ${clients} bots`);
    fleet = await forkWithIpc("loadtest/bench/fleet.ts", [JSON.stringify(fleetConfig)], path.join(options.runDir, `${target.id}-bots.log`), options.placement?.load);
    const toFleet = (m: ToFleet) => fleet!.send(m);
    await nextFromFleet(fleet, "connected", 120_000);

    let latest: { connected: number; latencyP50: number | null } = { connected: clients, latencyP50: null };
    fleet.on("message", (m: FromFleet) => {
      if (m.type === "progress") latest = m;
    });
    const status = () => `${latest.connected}/${clients} bots, input->state p50 ${latest.latencyP50?.toFixed(1) ?? "-"} ms`;

    for (let s = 0; s < options.warmupSeconds; s++) {
      progress(`warm-up ${s}/${options.warmupSeconds} s, ${status()}`);
      await sleep(1000);
    }

    const start = await readEdge(port, server.pid!, fleet.pid!);
    toFleet({ type: "measure" });

    const cpuSeries: number[] = [];
    const rssSeries: number[] = [];
    let previous = start.server;
    for (let s = 1; s <= options.durationSeconds; s++) {
      await sleep(1000);
      const now = sampleProcess(server.pid!);
      cpuSeries.push(cpuPercent(previous, now));
      rssSeries.push(now.rssBytes / 2 ** 20);
      previous = now;
      progress(`measuring ${s}/${options.durationSeconds} s, server ${cpuSeries.at(-1)!.toFixed(0)}% CPU, ${status()}`);
    }

    const resultPromise = nextFromFleet(fleet, "result", 30_000);
    toFleet({ type: "report" });
    const end = await readEdge(port, server.pid!, fleet.pid!);
    const { result } = await resultPromise;
    const windowSeconds = (end.server.at - start.server.at) / 1000;

    const buckets = (name: string) => bucketsBetween(histogramBuckets(start.metrics, name, LABELS), histogramBuckets(end.metrics, name, LABELS));
    const tickWork = buckets("arena_tick_duration_seconds");
    const tickJitter = buckets("arena_tick_jitter_seconds");
    const steps = counterValue(end.metrics, "arena_simulation_steps_total", LABELS) - counterValue(start.metrics, "arena_simulation_steps_total", LABELS);
    const serverCpu = cpuPercent(start.server, end.server);
    // prom-client's default GC metric: main-thread pause time by kind (concurrent marking threads not included).
    const gc = (series: string, labels: Record<string, string> = {}) => counterValue(end.metrics, series, labels) - counterValue(start.metrics, series, labels);
    const botCpu = cpuPercent(start.fleet, end.fleet);
    const machine = machinePercent(start.machine, end.machine, os.cpus().length);
    const rssMB = rssSeries.reduce((a, b) => a + b, 0) / rssSeries.length;

    const figures: Figures = {
      cpuPerRoomPercent: serverCpu / options.matches,
      serverCpuPercent: serverCpu,
      serverKernelCpuPercent: systemCpuPercent(start.server, end.server),
      gcPausePercent: (gc("nodejs_gc_duration_seconds_sum") / windowSeconds) * 100,
      majorGcs: gc("nodejs_gc_duration_seconds_count", { kind: "major" }),
      rssMB,
      rssPerConnectionKB: ((rssMB - idle.rssBytes / 2 ** 20) * 1024) / clients,
      tickWorkP50Ms: histogramQuantile(0.5, tickWork) * 1000,
      tickWorkP99Ms: histogramQuantile(0.99, tickWork) * 1000,
      tickRateHz: steps / windowSeconds / options.matches,
      tickJitterP99Ms: histogramQuantile(0.99, tickJitter) * 1000,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      patchesPerSecondPerClient: result.states / result.windowSeconds / result.clients,
      bytesPerSecondPerClient: result.bytes / result.windowSeconds / result.clients,
      botCpuPercent: botCpu,
      softirqCpuPercent: machine.softirq,
      // Everything else on the machine (the harness itself, other work): noise in the other figures.
      otherCpuPercent: Math.max(0, machine.busy - machine.softirq - serverCpu - botCpu),
    };
    progress(`done: ${figures.cpuPerRoomPercent.toFixed(2)}% of a core per room, input->state p50 ${figures.latencyP50Ms.toFixed(1)} ms`);
    run = {
      id: target.id,
      label: target.label,
      rooms: options.matches,
      clients: result.clients,
      windowSeconds,
      figures,
      charts: { tickWorkBuckets: tickWork, tickJitterBuckets: tickJitter, latency: result.latency, botMedians: result.botMedians, cpuSeries, rssSeries },
      cpus: { server: start.server.cpusAllowed, bots: start.fleet.cpusAllowed },
      errorsReceived: result.errors,
      disconnects: result.disconnects,
    };
  } finally {
    if (fleet) {
      // Bots leave cleanly when asked; a fleet that does not is killed.
      if (fleet.connected) fleet.send({ type: "stop" } satisfies ToFleet);
      await Promise.race([new Promise((r) => fleet!.once("exit", r)), sleep(3000)]);
      await stopProcess(fleet, 2000);
    }
    await stopProcess(server);
  }
  // The profile is written when the server exits.
  if (options.cpuProfile) run.profile = mainThreadProfile(profileDir);
  return run;
}


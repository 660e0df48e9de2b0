import type { ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { TEAM_SIZE } from "../../rooms/match/rules";
import type { CpuPlacement } from "./cpuPlacement";
import type { Figures, TargetRun } from "./figures";
import type { FleetConfig, FleetResult, FromFleet, ToFleet } from "./fleetProtocol";
import { nextMessage } from "./ipc";
import { mainThreadProfile } from "./profileSummary";
import { forkWithIpc, sleep, startRedis, startServer, stopProcess, waitForHealthy } from "./processes";
import { cpuPercent, machinePercent, ProcessSample, sampleMachine, sampleProcess, systemCpuPercent } from "./procStats";
import { bucketsBetween, counterValue, histogramBuckets, histogramQuantile, Sample, scrapeMetrics, sumBuckets } from "./promText";
import { arenaEnv, Target } from "./targets";
import type { FireMode } from "../bot/intentions";

export interface WindowOptions {
  matches: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Where logs (and the CPU profiles) go. */
  runDir: string;
  /** Run each server under --cpu-prof (its profile lands in runDir/profile-<target>). */
  cpuProfile: boolean;
  /** This run's JWT secret: Arena verifies with it, its bots sign with it. */
  secret: string;
  fireMode: FireMode;
  /** CPUs for the servers and for the bots (loadtest/bench/cpuPlacement.ts); anywhere when absent. */
  placement?: CpuPlacement;
  onProgress(line: string): void;
}

/**
 * A target and where it listens: one port per node. With more than one node it
 * runs as that many processes on its own redis-server at `redisPort`.
 */
export interface PortedTarget {
  target: Target;
  ports: number[];
  redisPort?: number;
}

/** One server process of a target, and the host:port its rooms are reached at. */
interface ServerNode {
  port: number;
  address: string;
  child: ChildProcess;
}

const LABELS = { type: "match" };
/** prom-client's event loop monitor samples every 10 ms (its default `eventLoopMonitoringPrecision`, which every server here keeps). */
const EVENT_LOOP_SAMPLING_MS = 10;

const nextFromFleet = <T extends FromFleet["type"]>(fleet: ChildProcess, type: T, timeoutMs: number) =>
  nextMessage<FromFleet, T>(fleet, type, timeoutMs);

/** What is read of one target at each edge of the window, in the same order at both so the scrape's latency cancels. */
interface Edge {
  /** Date.now() when read. */
  readAt: number;
  /** Each node's /metrics. */
  metrics: Sample[][];
  /** Each node's process, and all of them as one (CPU and RSS summed). */
  nodes: ProcessSample[];
  server: ProcessSample;
  fleet: ProcessSample;
  /** The target's own redis-server, when it is scaled out. */
  redis?: ProcessSample;
}

/** Several processes read as one: CPU time and RSS summed. */
function summed(samples: ProcessSample[]): ProcessSample {
  const sum = (f: (s: ProcessSample) => number) => samples.reduce((n, s) => n + f(s), 0);
  return {
    at: samples[0].at,
    cpuSeconds: sum((s) => s.cpuSeconds),
    systemSeconds: sum((s) => s.systemSeconds),
    rssBytes: sum((s) => s.rssBytes),
    cpusAllowed: [...new Set(samples.map((s) => s.cpusAllowed))].join(" / "),
  };
}

/** One target's servers (one per node) and bot fleet, from start to stop. */
class LiveTarget {
  private fleet?: ChildProcess;
  private idle?: ProcessSample;
  private previous?: ProcessSample;
  readonly cpuSeries: number[] = [];
  readonly rssSeries: number[] = [];
  /** The fleet's last progress report. */
  latest: { connected: number; latencyP50: number | null };

  constructor(
    readonly target: Target,
    readonly nodes: ServerNode[],
    /** The redis-server the nodes share (more than one node). */
    private readonly redis: ChildProcess | undefined,
    readonly clients: number,
    /** The run's JWT secret: Arena's /metrics takes an operator token. */
    private readonly secret: string,
  ) {
    this.latest = { connected: clients, latencyP50: null };
  }

  /** Waits for the servers, then connects the bots (a process of their own). */
  async connect(fleetConfig: FleetConfig, logFile: string, cpus: string | undefined): Promise<void> {
    await Promise.all(this.nodes.map((n) => waitForHealthy(`http://127.0.0.1:${n.port}/healthz`, n.child)));
    this.idle = this.serverSample();
    this.fleet = await forkWithIpc("loadtest/bench/fleet.ts", [JSON.stringify(fleetConfig)], logFile, cpus);
    await nextFromFleet(this.fleet, "connected", 120_000);
    this.fleet.on("message", (m: FromFleet) => {
      if (m.type === "progress") this.latest = m;
    });
  }

  private serverSample(): ProcessSample {
    return summed(this.nodes.map((n) => sampleProcess(n.child.pid!)));
  }

  async edge(): Promise<Edge> {
    const metrics = await Promise.all(this.nodes.map((n) => scrapeMetrics(n.port, this.secret)));
    const nodes = this.nodes.map((n) => sampleProcess(n.child.pid!));
    const redis = this.redis && sampleProcess(this.redis.pid!);
    return { readAt: Date.now(), metrics, nodes, server: summed(nodes), fleet: sampleProcess(this.fleet!.pid!), redis };
  }

  async openWindow(): Promise<Edge> {
    const start = await this.edge();
    this.previous = start.server;
    this.fleet!.send({ type: "measure" } satisfies ToFleet);
    return start;
  }

  /** One second's server CPU (returned) and RSS, for the charts and the progress line. */
  sampleSecond(): number {
    const now = this.serverSample();
    this.cpuSeries.push(cpuPercent(this.previous!, now));
    this.rssSeries.push(now.rssBytes / 2 ** 20);
    this.previous = now;
    return this.cpuSeries.at(-1)!;
  }

  /** Closes the window: the server's edge, and the bots' figures. */
  async closeWindow(): Promise<{ end: Edge; result: FleetResult }> {
    const result = nextFromFleet(this.fleet!, "result", 30_000);
    this.fleet!.send({ type: "report" } satisfies ToFleet);
    const end = await this.edge();
    return { end, result: (await result).result };
  }

  idleRssMB(): number {
    return this.idle!.rssBytes / 2 ** 20;
  }

  async stop(): Promise<void> {
    const fleet = this.fleet;
    if (fleet) {
      // Bots leave cleanly when asked; a fleet that does not is killed.
      if (fleet.connected) fleet.send({ type: "stop" } satisfies ToFleet);
      await Promise.race([new Promise((r) => fleet.once("exit", r)), sleep(3000)]);
      await stopProcess(fleet, 2000);
    }
    await Promise.all(this.nodes.map((n) => stopProcess(n.child)));
    if (this.redis) await stopProcess(this.redis);
  }
}

/**
 * Runs targets at the same time over one window (usually one target; two with
 * --paired): start each server, connect matches x 12 bots to each in a process
 * of their own, warm up, then measure for the duration from the bots, the
 * servers' /metrics and /proc.
 */
export async function runTargets(ported: PortedTarget[], options: WindowOptions): Promise<TargetRun[]> {
  const clients = options.matches * TEAM_SIZE * 2;
  const label = ported.map((p) => p.target.label).join(" + ");
  const progress = (what: string) => options.onProgress(`[${label}] ${what}`);
  const profileDir = (t: Target) => path.join(options.runDir, `profile-${t.id}`);
  const live: LiveTarget[] = [];
  let runs: TargetRun[];
  try {
    progress("starting server" + (ported.length > 1 || ported[0].ports.length > 1 ? "s" : ""));
    for (const { target, ports, redisPort } of ported) {
      const nodeFlags = [...(target.nodeFlags ?? []), ...(options.cpuProfile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir(target)}`] : [])];
      const scaledOut = ports.length > 1;
      const redis = scaledOut ? await startRedis(redisPort!, path.join(options.runDir, `${target.id}-redis.log`)) : undefined;
      const nodes: ServerNode[] = [];
      for (const [i, port] of ports.entries()) {
        const address = `127.0.0.1:${port}`;
        const env = {
          ...(target.arena ? arenaEnv(options.secret) : {}), ...target.env, PORT: String(port),
          ...(scaledOut ? target.nodeEnv!(`redis://127.0.0.1:${redisPort}`, address) : {}),
        };
        const log = path.join(options.runDir, `${target.id}${scaledOut ? `-node-${i + 1}` : ""}.log`);
        nodes.push({ port, address, child: await startServer(target.entry, env, log, { nodeFlags, runner: target.runner, cpus: options.placement?.server }) });
      }
      live.push(new LiveTarget(target, nodes, redis, clients, options.secret));
    }
    progress(`connecting ${clients} bots` + (ported.length > 1 ? " to each" : ""));
    await Promise.all(
      live.map((t) => {
        const endpoints = t.nodes.map((n) => `ws://${n.address}`);
        return t.connect(
          { protocol: t.target.protocol, endpoints, bots: clients, secret: t.target.arena ? options.secret : undefined, fireMode: options.fireMode },
          path.join(options.runDir, `${t.target.id}-bots.log`),
          options.placement?.load,
        );
      }),
    );
    const each = (f: (t: LiveTarget) => string) => live.map(f).join(" / ");
    const status = () =>
      `${each((t) => `${t.latest.connected}/${clients}`)} bots, input->state p50 ${each((t) => t.latest.latencyP50?.toFixed(1) ?? "-")} ms`;

    for (let s = 0; s < options.warmupSeconds; s++) {
      progress(`warm-up ${s}/${options.warmupSeconds} s, ${status()}`);
      await sleep(1000);
    }

    const machineStart = sampleMachine();
    const starts = await Promise.all(live.map((t) => t.openWindow()));
    for (let s = 1; s <= options.durationSeconds; s++) {
      await sleep(1000);
      const cpu = live.map((t) => t.sampleSecond().toFixed(0));
      progress(`measuring ${s}/${options.durationSeconds} s, server ${cpu.join("% / ")}% CPU, ${status()}`);
    }
    const ends = await Promise.all(live.map((t) => t.closeWindow()));
    const machine = machinePercent(machineStart, sampleMachine(), os.cpus().length);
    // Every server and fleet of this window, to tell the rest of the machine's load apart.
    const redisCpu = (i: number) => (starts[i].redis ? cpuPercent(starts[i].redis!, ends[i].end.redis!) : 0);
    const measuredCpu = starts.reduce((sum, start, i) => sum + cpuPercent(start.server, ends[i].end.server) + cpuPercent(start.fleet, ends[i].end.fleet) + redisCpu(i), 0);

    runs = live.map((t, i) => {
      const start = starts[i];
      const { end, result } = ends[i];
      const windowSeconds = (end.server.at - start.server.at) / 1000;
      const buckets = (name: string) =>
        bucketsBetween(sumBuckets(start.metrics.map((m) => histogramBuckets(m, name, LABELS))), sumBuckets(end.metrics.map((m) => histogramBuckets(m, name, LABELS))));
      const countedOn = (node: number, series: string, labels: Record<string, string>) =>
        counterValue(end.metrics[node], series, labels) - counterValue(start.metrics[node], series, labels);
      const counted = (series: string, labels: Record<string, string>) => t.nodes.reduce((sum, _, n) => sum + countedOn(n, series, labels), 0);
      const tickWork = buckets("arena_tick_duration_seconds");
      const tickJitter = buckets("arena_tick_jitter_seconds");
      const serverCpu = cpuPercent(start.server, end.server);
      const patches = (encoding: string) => counted("arena_patches_total", { ...LABELS, encoding });
      const rssMB = t.rssSeries.reduce((a, b) => a + b, 0) / t.rssSeries.length;
      const figures: Figures = {
        cpuPerRoomPercent: serverCpu / options.matches,
        serverCpuPercent: serverCpu,
        // Per unit of delivered work: a server whose patch timer slips sends fewer patches and reads cheaper per room.
        // CPU seconds a second over patches received a second (by all the bots), in µs.
        cpuPerPatchUs: ((serverCpu / 100) * 1e6) / Math.max(1e-9, result.states / result.windowSeconds),
        serverKernelCpuPercent: systemCpuPercent(start.server, end.server),
        // prom-client's default GC metric: main-thread pause time by kind (concurrent marking threads not included).
        gcPausePercent: (counted("nodejs_gc_duration_seconds_sum", {}) / windowSeconds) * 100,
        majorGcs: counted("nodejs_gc_duration_seconds_count", { kind: "major" }),
        rssMB,
        rssPerConnectionKB: ((rssMB - t.idleRssMB()) * 1024) / clients,
        tickWorkP50Ms: histogramQuantile(0.5, tickWork) * 1000,
        tickWorkP99Ms: histogramQuantile(0.99, tickWork) * 1000,
        tickRateHz: counted("arena_simulation_steps_total", LABELS) / windowSeconds / options.matches,
        tickJitterP99Ms: histogramQuantile(0.99, tickJitter) * 1000,
        // How late any timer of the process fired over the window (prom-client resets it at every scrape): a
        // match's tick cannot be more regular than its process's event loop. Node's monitor records the whole
        // interval between its samples, so the sampling interval comes off. The busiest node's.
        eventLoopDelayP99Ms: Math.max(...end.metrics.map((m) => counterValue(m, "nodejs_eventloop_lag_p99_seconds", {}))) * 1000 - EVENT_LOOP_SAMPLING_MS,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        patchesPerSecondPerClient: result.states / result.windowSeconds / result.clients,
        bytesPerSecondPerClient: result.bytes / result.windowSeconds / result.clients,
        // Arena only (the peers have no views and no such counter: 0).
        perViewPatchPercent: (100 * patches("per_view")) / Math.max(1, patches("per_view") + patches("shared")),
        botCpuPercent: cpuPercent(start.fleet, end.fleet),
        softirqCpuPercent: machine.softirq,
        // Everything else on the machine (the harness itself, other work): noise in the other figures.
        otherCpuPercent: Math.max(0, machine.busy - machine.softirq - measuredCpu),
      };
      progress(`${t.target.label} done: ${figures.cpuPerRoomPercent.toFixed(2)}% of a core per room, input->state p50 ${figures.latencyP50Ms.toFixed(1)} ms`);
      return {
        id: t.target.id,
        label: t.target.label,
        rooms: options.matches,
        clients: result.clients,
        windowStartedAt: start.readAt,
        windowSeconds,
        ranWith: live.filter((other) => other !== t).map((other) => other.target.id),
        figures,
        charts: { tickWorkBuckets: tickWork, tickJitterBuckets: tickJitter, latency: result.latency, botMedians: result.botMedians, cpuSeries: t.cpuSeries, rssSeries: t.rssSeries },
        cpus: { server: start.server.cpusAllowed, bots: start.fleet.cpusAllowed },
        errorsReceived: result.errors,
        disconnects: result.disconnects,
        redisCpuPercent: start.redis ? redisCpu(i) : undefined,
        nodes: t.nodes.length > 1
          ? t.nodes.map((n, j) => ({
            address: n.address,
            matches: result.matchesByNode[n.address] ?? 0,
            serverCpuPercent: cpuPercent(start.nodes[j], end.nodes[j]),
            stepsPerSecond: countedOn(j, "arena_simulation_steps_total", LABELS) / windowSeconds,
          }))
          : undefined,
      };
    });
  } finally {
    await Promise.all(live.map((t) => t.stop()));
  }
  // A profile is written when its server exits.
  if (options.cpuProfile) for (const run of runs) run.profile = mainThreadProfile(profileDir(ported.find((p) => p.target.id === run.id)!.target));
  return runs;
}

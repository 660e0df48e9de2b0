import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FireMode } from "../bot/intentions";
import { CpuPlacement, cpuPlacement, pinSelf } from "./cpuPlacement";
import { DISPLAY_FIGURES, DisplayFigures, DisplayRun } from "./displayFigures";
import { FIGURES, Figures, medianOfRounds, TargetRun } from "./figures";
import { DISPLAY_TARGETS, onNodes, runDisplayTarget } from "./runDisplays";
import { PortedTarget, runTargets } from "./runTargets";
import { CapacityRamp, CapacityRun, runCapacity } from "./runCapacity";
import { MATCH_TARGETS, Target, Variant, VARIANTS } from "./targets";
import type { UserRun } from "./userFigures";
import { runUserScenario } from "./runUsers";

export interface BenchOptions {
  /** Matches of 12 bots per target; 0 skips the match scenario. */
  matches: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Arena variants added to the match scenario. */
  variants: Variant[];
  /** Leave stock Colyseus and JSON broadcast out of the match scenario. */
  skipPeers: boolean;
  /** Times the match scenario runs every target, interleaved; figures are the medians. */
  rounds: number;
  fireMode: FireMode;
  /** Display clients of the fan-out scenario; 0 skips it. */
  displays: number;
  /** Measured publishes of the display scenario, one a second. */
  publishes: number;
  /**
   * Arena nodes in the display scenario (2: on a local Redis); in the match scenario, processes of each target
   * that scales out (Arena, its variants, stock Colyseus), each target on a redis-server of its own, bots placed by
   * matchmaking, nothing pinned (as PM2 runs them).
   */
  nodes: number;
  /** Display bot processes. */
  displayProcesses: number;
  /** User channel scenario: identities (0 skips it), devices of each, pushes a second over all users, for how long. */
  users: number;
  devicesPerUser: number;
  userRate: number;
  userSeconds: number;
  /** Its device bot processes and pusher processes. */
  deviceProcesses: number;
  pushers: number;
  /** User scenario: messages per push request. */
  userBatch: number;
  /** First of the run's ports (PORT_LAYOUT). */
  port: number;
  /** Folder that receives this run's folder. */
  outDir: string;
  /** Profile every server with --cpu-prof. */
  cpuProfile: boolean;
  /** Display scenario: a 6v6 match of bots on each Arena node during the publishes. */
  colocatedMatch: boolean;
  /** Match and user channel scenarios: the server alone on the last CPU, bots and harness on the others (cpuPlacement.ts). */
  pin: boolean;
  /**
   * Match scenario: Arena and the first other target (stock Colyseus, or the
   * first variant with skipPeers) run at the same time, their servers on the
   * same CPUs, so the machine's drift falls on both alike; the rest run alone.
   */
  paired: boolean;
  /**
   * Capacity mode: instead of one size, the match scenario ramps Arena and stock Colyseus, each alone, until
   * the 60 Hz service level breaks (runCapacity.ts).
   */
  capacity?: CapacityRamp;
  onProgress(line: string): void;
}

/** Offsets from --port: one per server, so a server that is slow to exit never collides with the next. */
export const PORT_LAYOUT = {
  match: { arena: 0, stock: 1, json: 2, "arena-rewind-off": 3, "arena-views-off": 4, "arena-object-input": 12, "arena-tsx": 13, "arena-source-maps": 14, "arena-twin": 15, "arena-input-pairs": 17 } as Record<string, number>,
  displayNodes: [5, 6],
  displayPeer: 7,
  redis: 8,
  inspectNodes: [9, 10],
  inspectPeer: 11,
  users: 16,
};
export const PORTS_USED = 18;

/**
 * A match target's ports: its first node at its offset in PORT_LAYOUT, each
 * further node PORTS_USED past the previous one, then its Redis.
 */
function matchPorts(target: Target, options: BenchOptions): PortedTarget {
  const first = options.port + PORT_LAYOUT.match[target.id];
  const nodes = target.nodeEnv ? options.nodes : 1;
  return {
    target,
    ports: Array.from({ length: nodes }, (_, i) => first + i * PORTS_USED),
    redisPort: nodes > 1 ? first + nodes * PORTS_USED : undefined,
  };
}

export interface Scenario {
  status: "ran" | "skipped";
  reason?: string;
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; model: string; memoryGB: number; node: string; kernel: string };
  options: Omit<BenchOptions, "onProgress" | "outDir">;
  runDir: string;
  /** Where the match scenario's processes ran: the CPU lists, or why they were not pinned. */
  placement: CpuPlacement | { unavailable: string };
  /** The match scenario: Arena, the two peers, then any variants. */
  targets: TargetRun[];
  /** ratios[target][figure] = that target's figure / Arena's figure. */
  ratios: Record<string, Partial<Record<keyof Figures, number>>>;
  /** The display scenario: Arena, then the signage peer. */
  displays: DisplayRun[];
  displayRatios: Record<string, Partial<Record<keyof DisplayFigures, number>>>;
  /** The user channel scenario (Arena, one node), when it ran. */
  users?: UserRun;
  /** Capacity mode's ramps (Arena, then stock Colyseus), when it ran. */
  capacity?: CapacityRun[];
  scenarios: { match: Scenario; displays: Scenario; users: Scenario };
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const date = new Date();
  const runDir = path.join(options.outDir, date.toISOString().replace(/[:.]/g, "-"));
  mkdirSync(runDir, { recursive: true });
  // Arena verifies with it and the bots sign their own tokens with it; new every run.
  const secret = randomBytes(32).toString("hex");
  const base = options.skipPeers ? MATCH_TARGETS.filter((t) => t.id === "arena") : MATCH_TARGETS;
  const matchTargets: Target[] = options.matches > 0 && !options.capacity ? [...base, ...options.variants.map((v) => VARIANTS[v])] : [];
  const rounds = new Map<string, TargetRun[]>(matchTargets.map((t) => [t.id, []]));
  const placement = options.pin ? cpuPlacement() : { unavailable: "--no-pin" };
  // Scaled-out match targets run as PM2 runs them: every process on every CPU (said explicitly: a child
  // inherits the harness's own pinning).
  const everyCpu = `0-${os.availableParallelism() - 1}`;
  const matchPlacement = !("load" in placement) ? undefined : options.nodes === 1 ? placement : { server: everyCpu, load: everyCpu };
  // The harness is load too: it keeps off the server's CPU from here on.
  if ("load" in placement && (matchTargets.length > 0 || options.capacity || options.displays > 0)) pinSelf(placement.load);
  // One window at a time: windows never compete for the cores (a paired window's two targets share
  // them alike). Rounds interleave the windows, so a drift of the machine over minutes falls on every
  // target alike.
  const windows = options.paired && matchTargets.length > 1 ? [matchTargets.slice(0, 2), ...matchTargets.slice(2).map((t) => [t])] : matchTargets.map((t) => [t]);
  for (let round = 1; round <= options.rounds; round++) {
    const roundNote = options.rounds > 1 ? ` (round ${round}/${options.rounds})` : "";
    for (const group of windows) {
      const runs = await runTargets(
        group.map((target) => matchPorts(target, options)),
        {
          matches: options.matches,
          warmupSeconds: options.warmupSeconds,
          durationSeconds: options.durationSeconds,
          runDir,
          cpuProfile: options.cpuProfile,
          secret,
          fireMode: options.fireMode,
          placement: matchPlacement,
          onProgress: (line) => options.onProgress(line + roundNote),
        },
      );
      for (const run of runs) rounds.get(run.id)!.push(run);
    }
  }
  const targets = matchTargets.map((t) => {
    const runs = rounds.get(t.id)!;
    return runs.length === 1 ? runs[0] : medianOfRounds(runs);
  });
  const capacity = options.capacity
    ? await runCapacity(
      MATCH_TARGETS.filter((t) => t.id === "arena" || t.id === "stock").map((target) => matchPorts(target, options)),
      options.capacity,
      {
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
        runDir,
        cpuProfile: false,
        secret,
        fireMode: options.fireMode,
        placement: matchPlacement,
        onProgress: options.onProgress,
      },
    )
    : undefined;
  const displays: DisplayRun[] = [];
  for (const target of options.displays > 0 ? DISPLAY_TARGETS.filter((t) => (t.id !== "peer-nodes" || options.nodes > 1) && (!options.skipPeers || t.id === "arena")) : []) {
    const scaledOut = onNodes(target);
    displays.push(
      await runDisplayTarget(target, {
        displays: options.displays,
        publishes: options.publishes,
        nodes: options.nodes,
        ports: scaledOut ? PORT_LAYOUT.displayNodes.map((o) => options.port + o) : [options.port + PORT_LAYOUT.displayPeer],
        inspectPorts: scaledOut ? PORT_LAYOUT.inspectNodes.map((o) => options.port + o) : [options.port + PORT_LAYOUT.inspectPeer],
        redisPort: options.port + PORT_LAYOUT.redis,
        fleets: options.displayProcesses,
        cpuProfile: options.cpuProfile,
        colocatedMatch: options.colocatedMatch,
        placement: "load" in placement ? placement : undefined,
        runDir,
        secret,
        onProgress: options.onProgress,
      }),
    );
  }
  const users = options.users > 0
    ? await runUserScenario({
      users: options.users,
      devicesPerUser: options.devicesPerUser,
      rate: options.userRate,
      seconds: options.userSeconds,
      deviceProcesses: options.deviceProcesses,
      pushers: options.pushers,
      batch: options.userBatch,
      port: options.port + PORT_LAYOUT.users,
      runDir,
      secret,
      cpuProfile: options.cpuProfile,
      placement: "load" in placement ? placement : undefined,
      onProgress: options.onProgress,
    })
    : undefined;
  const { onProgress: _progress, outDir: _out, ...shownOptions } = options;
  return {
    date: date.toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? "unknown",
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      kernel: os.release(),
    },
    options: shownOptions,
    runDir,
    placement: options.nodes > 1 && "load" in placement ? { unavailable: `--nodes ${options.nodes}: every node and the bots on every CPU, as PM2 runs them` } : placement,
    targets,
    ratios: ratiosToArena(targets, FIGURES),
    displays,
    displayRatios: ratiosToArena(displays, DISPLAY_FIGURES),
    users,
    capacity,
    scenarios: {
      match: options.capacity ? { status: "skipped", reason: "--capacity (ramps instead)" } : options.matches > 0 ? { status: "ran" } : { status: "skipped", reason: "--matches 0" },
      displays: options.displays > 0 ? { status: "ran" } : { status: "skipped", reason: "--displays 0" },
      users: options.users > 0 ? { status: "ran" } : { status: "skipped", reason: "--users 0" },
    },
  };
}

/** Each other run's figures divided by Arena's (context figures have no ratio). */
function ratiosToArena<F, R extends { id: string; figures: F }>(
  runs: R[],
  figures: readonly { key: keyof F; context?: boolean }[],
): Record<string, Partial<Record<keyof F, number>>> {
  const arena = runs.find((t) => t.id === "arena");
  const ratios: Record<string, Partial<Record<keyof F, number>>> = {};
  if (!arena) return ratios;
  for (const other of runs) {
    if (other === arena) continue;
    ratios[other.id] = Object.fromEntries(
      figures.filter((f) => !f.context).map((f) => [f.key, (other.figures[f.key] as number) / (arena.figures[f.key] as number)]),
    ) as Partial<Record<keyof F, number>>;
  }
  return ratios;
}

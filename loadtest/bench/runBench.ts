import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FIGURES, Figures, TargetRun } from "./figures";
import { runTarget } from "./runTarget";
import { TARGETS } from "./targets";

export interface BenchOptions {
  matches: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Display clients for the lobby fan-out scenario. */
  displays: number;
  /** First of three consecutive ports (Arena, stock, JSON). */
  port: number;
  /** Folder that receives this run's folder. */
  outDir: string;
  /** Profile every server with --cpu-prof. */
  cpuProfile: boolean;
  onProgress(line: string): void;
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
  targets: TargetRun[];
  /** ratios[peer][figure] = peer's figure / Arena's figure. */
  ratios: Record<string, Partial<Record<keyof Figures, number>>>;
  scenarios: { match: Scenario; displays: Scenario };
}

/**
 * The lobby fan-out scenario (one publish -> N displays) needs the `lobby` room,
 * which does not exist yet: it is reported as skipped. Its bots would join the
 * fleet beside the match bots, and its figures join Figures.
 */
function displayScenario(options: BenchOptions): Scenario {
  return {
    status: "skipped",
    reason: `the lobby room does not exist yet${options.displays ? `: ${options.displays} display clients requested, none run` : ""}`,
  };
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const date = new Date();
  const runDir = path.join(options.outDir, date.toISOString().replace(/[:.]/g, "-"));
  mkdirSync(runDir, { recursive: true });
  const targets: TargetRun[] = [];
  // One target at a time: the three never compete for the two cores.
  for (const [i, target] of TARGETS.entries()) {
    targets.push(
      await runTarget(target, {
        matches: options.matches,
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
        port: options.port + i,
        runDir,
        cpuProfile: options.cpuProfile,
        onProgress: options.onProgress,
      }),
    );
  }
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
    targets,
    ratios: ratiosToArena(targets),
    scenarios: { match: { status: "ran" }, displays: displayScenario(options) },
  };
}

function ratiosToArena(targets: TargetRun[]): BenchReport["ratios"] {
  const arena = targets.find((t) => t.id === "arena")!;
  const ratios: BenchReport["ratios"] = {};
  for (const peer of targets) {
    if (peer === arena) continue;
    ratios[peer.id] = Object.fromEntries(FIGURES.filter((f) => !f.context).map((f) => [f.key, peer.figures[f.key] / arena.figures[f.key]]));
  }
  return ratios;
}


import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";

/**
 * Where the match scenario runs its processes: the measured server alone on
 * the last CPU (with --paired, the window's two servers), the bots and the
 * harness on the others. Without it the server
 * shares both cores with the bot fleet (a third to half a core) and is
 * preempted by it, more often for one target than another (docs/benchmarks.md,
 * "CPU placement"). It does not take
 * out the machine's own drift between rounds. Lists are `taskset -c` lists.
 */
export interface CpuPlacement {
  server: string;
  load: string;
}

/** The placement on this machine, or why there is none (fewer than 2 CPUs, no taskset). */
export function cpuPlacement(): CpuPlacement | { unavailable: string } {
  const cpus = os.availableParallelism();
  if (cpus < 2) return { unavailable: `${cpus} CPU` };
  if (spawnSync("taskset", ["-V"]).error) return { unavailable: "no taskset (Debian package util-linux)" };
  const last = cpus - 1;
  return { server: String(last), load: last === 1 ? "0" : `0-${last - 1}` };
}

/** Moves this process (every thread) to `cpus`. */
export function pinSelf(cpus: string): void {
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
}

/** `command` and `args` rewritten to start under `taskset -c cpus` (it execs, so the pid stays the command's). */
export function onCpus(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [command, args] : ["taskset", ["-c", cpus, command, ...args]];
}

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc CPU times (sysconf(_SC_CLK_TCK), 100 on Linux). */
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

export interface ProcessSample {
  /** performance.now() when read. */
  at: number;
  /** user + system CPU seconds of every thread of the process so far. */
  cpuSeconds: number;
  /** The system (kernel) part of cpuSeconds: syscalls, socket and TCP work done for the process. */
  systemSeconds: number;
  rssBytes: number;
  /** The CPUs the process may run on, as the kernel has it (`Cpus_allowed_list`, e.g. "1" or "0-1"). */
  cpusAllowed: string;
}

/**
 * Reads a process's CPU time from /proc/<pid>/stat and its resident set from
 * /proc/<pid>/status: the same reading for Arena, the peers and the bots.
 */
export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is parenthesised and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  const cpusAllowed = /^Cpus_allowed_list:\s+(\S+)/m.exec(status)?.[1] ?? "unknown";
  return { at: performance.now(), cpuSeconds: (utime + stime) / CLK_TCK, systemSeconds: stime / CLK_TCK, rssBytes: rssKb * 1024, cpusAllowed };
}

/** % of one core used between two samples. */
export function cpuPercent(from: ProcessSample, to: ProcessSample): number {
  return (100 * (to.cpuSeconds - from.cpuSeconds)) / ((to.at - from.at) / 1000);
}

export interface MachineSample {
  busy: number;
  /** Time in soft interrupts: on loopback, mostly TCP delivery, charged to no process. */
  softirq: number;
  total: number;
}

/** Whole-machine CPU counters from /proc/stat (all cores). */
export function sampleMachine(): MachineSample {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const idle = v[3] + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, softirq: v[6], total };
}

/** % of one core spent in the kernel on the process's behalf between two samples. */
export function systemCpuPercent(from: ProcessSample, to: ProcessSample): number {
  return (100 * (to.systemSeconds - from.systemSeconds)) / ((to.at - from.at) / 1000);
}

/** Busy time and soft-interrupt time between two samples, each in % of one core. */
export function machinePercent(from: MachineSample, to: MachineSample, cores: number): { busy: number; softirq: number } {
  const total = (to.total - from.total) / cores;
  return { busy: (100 * (to.busy - from.busy)) / total, softirq: (100 * (to.softirq - from.softirq)) / total };
}

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./processes";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  /** File (relative to the project; a server's own code is its bundle in dist/) and 1-based line. */
  where: string;
  selfMs: number;
  selfPercent: number;
}

/**
 * Top functions by self time in a V8 .cpuprofile (what --cpu-prof writes).
 * Percentages are of busy samples: "(idle)" is left out of the total.
 */
export function topSelfTime(file: string, count = 20): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; attribute it to the sampled frame.
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(`file://${ROOT}/`, "");
    const where = file ? `${file}:${frame.lineNumber + 1}` : "";
    const name = frame.functionName || "(anonymous)";
    if (name === "(idle)") return;
    const key = `${name} ${where}`;
    const entry = selfUs.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
    totalUs += us;
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, selfPercent: (100 * e.us) / totalUs }));
}

/**
 * The main thread's profile in a --cpu-prof-dir and its top functions. Node
 * writes one profile per thread (workers have their own); the main thread's is
 * CPU.<date>.<time>.<pid>.0.<seq>.cpuprofile. Written when the process exits.
 */
export function mainThreadProfile(dir: string, count = 25): { file: string; top: HotFunction[] } | undefined {
  const name = readdirSync(dir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!name) return undefined;
  const file = path.join(dir, name);
  return { file, top: topSelfTime(file, count) };
}

import type { DisplayRun } from "../displayFigures";
import type { FigureInfo, NodeShare, TargetRun } from "../figures";
import type { BenchReport } from "../runBench";
import type { UserRun } from "../userFigures";

/** A figure as printed: its digits, or what it is when not a number. */
function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

/**
 * A figure table as text cells, for the terminal and the HTML report alike: a
 * row per figure, a column per run, then each other run / Arena (none for a
 * context figure).
 */
export function figureCells<F>(
  runs: { id: string; label: string; figures: F }[],
  figures: readonly FigureInfo<keyof F & string>[],
  ratios: Record<string, Partial<Record<keyof F, number>>>,
): { header: string[]; rows: string[][] } {
  const others = runs.filter((t) => t.id !== "arena");
  const header = ["figure", "unit", ...runs.map((t) => t.label), ...others.map((p) => `${p.label} / Arena`)];
  const rows = figures.map((f) => [
    f.label,
    f.unit,
    ...runs.map((t) => format(t.figures[f.key] as number, f.digits)),
    ...others.map((p) => (f.context ? "" : `${format(ratios[p.id]?.[f.key] ?? NaN, 2)}x`)),
  ]);
  return { header, rows };
}

/** A display run's figures node by node (two-node runs), as text cells. */
export function perNodeCells(run: DisplayRun): { header: string[]; rows: string[][] } {
  return {
    header: ["node", "displays", "fan-out p50 ms", "fan-out p99 ms", "max ms", "RSS per display KB", "heap per display KB", "server CPU %"],
    rows: run.nodes.map((n) => [
      n.node, String(n.displays), format(n.fanout.p50, 2), format(n.fanout.p99, 2), format(n.fanout.max, 2),
      format(n.rssPerDisplayKB, 1), format(n.heapPerDisplayKB, 1), format(n.serverCpuPercent, 1),
    ]),
  };
}

/**
 * With --rounds: each round's server CPU per room (% of a core) for every
 * target, and each other target / Arena within the round. Undefined for one round.
 */
export function roundCells(runs: TargetRun[]): { header: string[]; rows: string[][] } | undefined {
  const arena = runs.find((r) => r.id === "arena")?.rounds;
  if (!arena) return undefined;
  const others = runs.filter((r) => r.id !== "arena");
  return {
    header: ["round", ...runs.map((r) => r.label), ...others.map((o) => `${o.label} / Arena`)],
    rows: arena.map((a, i) => [
      String(i + 1),
      ...runs.map((r) => format(r.rounds![i].cpuPerRoomPercent, 2)),
      ...others.map((o) => `${format(o.rounds![i].cpuPerRoomPercent / a.cpuPerRoomPercent, 2)}x`),
    ]),
  };
}

/** Where matchmaking put a scaled-out target's matches, and each node's load, in one line. */
export function nodeSpread(nodes: NodeShare[]): string {
  return nodes.map((n) => `${n.address} ${n.matches} matches, ${format(n.stepsPerSecond, 0)} steps/s, ${format(n.serverCpuPercent, 0)} % CPU`).join("; ");
}

/** How the match scenario's processes ran: where (pinned or not, as /proc read it), and which targets shared a window. */
export function howTargetsRan(report: BenchReport): string[] {
  const p = report.placement;
  const read = (which: "server" | "bots") => [...new Set(report.targets.map((t) => t.cpus[which]))].join(" / ");
  const lines = [
    ("load" in p ? `Pinned: each server on CPU ${p.server}, bots and harness on CPU ${p.load}` : `Not pinned (${p.unavailable})`) +
      `; CPUs allowed, read from /proc in the windows: servers ${read("server")}, bots ${read("bots")}`,
  ];
  for (const t of report.targets.filter((t) => t.nodes)) {
    lines.push(`${t.label} on ${t.nodes!.length} nodes: ${nodeSpread(t.nodes!)}; its redis-server ${format(t.redisCpuPercent!, 1)} % CPU`);
  }
  const paired = report.targets.filter((t) => t.ranWith.length > 0);
  if (paired.length) {
    lines.push(`Paired: ${paired.map((t) => t.label).join(" and ")} ran at the same time in each round: their CPU compares under the same drift of the machine; their latency and tick figures include each other's load`);
  }
  return lines;
}

/** The user channel scenario in one sentence: what ran, and where its processes could run. */
export function userScenarioLine(run: UserRun): string {
  return `User channel scenario: ${run.users} users x ${run.devicesPerUser} devices in the lobby, ${run.rate} pushes/s over HTTP ${run.batch > 1 ? `in batches of up to ${run.batch} ` : ""}for ${run.seconds} s ` +
    `from ${run.pushers} pusher process${run.pushers > 1 ? "es" : ""}, ${run.deviceProcesses} device process${run.deviceProcesses > 1 ? "es" : ""}; ` +
    `CPUs allowed, read from /proc in the window: server ${run.cpus.server}, devices and pushers ${run.cpus.load}`;
}

/** Whether every message reached exactly its user's devices once, in order, in one sentence. */
export function userDeliveryLine(run: UserRun): string {
  const d = run.delivery;
  return `Delivered ${d.delivered}/${d.expected} (warm-up included): missing ${d.missing}, duplicates ${d.duplicates}, ` +
    `foreign ${d.foreign}, out of order ${d.outOfOrder}, gap/reset notices ${d.notices}, unexpected ${d.unexpected}, ` +
    `lost devices ${d.disconnects}, pushes refused ${d.pushFailures}; server relays in the window ${d.serverRelayed}/${d.windowExpected}`;
}

import { ColocatedMatch, DISPLAY_FIGURES, DisplayRun, displayWarnings } from "../displayFigures";
import { FIGURES, runWarnings } from "../figures";
import type { BenchReport } from "../runBench";
import { USER_FIGURES, userWarnings } from "../userFigures";
import { figureCells, howTargetsRan, perNodeCells, roundCells, userDeliveryLine, userScenarioLine } from "./figureCells";

/** Rows under a header, first two columns left-aligned, the others right-aligned. */
function grid({ header, rows }: { header: string[]; rows: string[][] }): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** Capacity mode: each server's last size that held the service level, and every step of its ramp. */
function capacityLines(report: BenchReport): string[] {
  const o = report.options;
  const where = o.nodes > 1 ? `on ${o.nodes} nodes on Redis, every process on every CPU` : "on one core";
  const out = [`Capacity: matches of 12 bots per server ${where} at the 60 Hz service level (${o.durationSeconds} s measured after ${o.warmupSeconds} s warm-up per size)`];
  for (const run of report.capacity!) {
    const held = run.heldMatches > 0 ? `${run.heldMatches} matches held (CPU per room ${run.cpuPerRoomPercent!.toFixed(2)} % of a core)` : "no size held";
    out.push(`${run.label}: ${held}; ${run.brokeAt ? `broke at ${run.brokeAt.matches}: ${run.brokeAt.criteria.join(", ")}` : "every size up to the ramp's end held"}`);
  }
  const perNode = o.nodes > 1 ? ["per node"] : [];
  const header = ["server", "matches", ...perNode, "held", "tick Hz", "interval p99 past nominal ms", "event loop delay p99 ms", "input->ack p99 ms", "lost bots", "CPU/room %", "server CPU %", "bot CPU %"];
  const rows = report.capacity!.flatMap((run) => run.steps.map((s) => [
    run.label, String(s.matches), ...(o.nodes > 1 ? [s.matchesPerNode?.join(" / ") ?? "-"] : []), s.held ? "yes" : "no",
    s.tickRateHz.toFixed(2), s.tickJitterP99Ms.toFixed(1), s.eventLoopDelayP99Ms.toFixed(1), s.latencyP99Ms.toFixed(1),
    String(s.disconnects), s.cpuPerRoomPercent.toFixed(2), s.serverCpuPercent.toFixed(0), s.botCpuPercent.toFixed(0),
  ]));
  const [arena, stock] = report.capacity!;
  if (arena && stock && stock.heldMatches > 0) out.push(`Arena / stock matches per core: ${(arena.heldMatches / stock.heldMatches).toFixed(2)}x`);
  return [...out, ...grid({ header, rows })];
}

/** Every scenario's reasons to distrust its figures. */
export function allWarnings(report: BenchReport): string[] {
  return [...report.targets.flatMap(runWarnings), ...report.displays.flatMap(displayWarnings), ...(report.users ? userWarnings(report.users) : [])];
}

/** The report as plain text: the match table, the display table (and per node), the user channel table, warnings. */
export function renderTable(report: BenchReport): string {
  const o = report.options;
  const m = report.machine;
  const out = [`${m.cpus} cores (${m.model}), Node ${m.node}, ${report.date}`, ""];
  if (report.capacity) out.push(...capacityLines(report), "");
  if (report.targets.length) {
    out.push(`Match scenario: ${o.matches} matches x 12 bots per target, ${o.durationSeconds} s measured after ${o.warmupSeconds} s warm-up, bots fire in ${o.fireMode}`);
    out.push(...howTargetsRan(report));
    out.push(...grid(figureCells(report.targets, FIGURES, report.ratios)), "");
    const byRound = roundCells(report.targets);
    if (byRound) out.push(`Each figure above is the median of ${o.rounds} rounds. Server CPU per room by round, % of a core:`, ...grid(byRound), "");
  } else {
    out.push(`Match scenario: skipped (${report.scenarios.match.reason})`, "");
  }
  if (report.displays.length) {
    const arena = report.displays[0];
    out.push(`Display scenario: ${o.displays} displays on one channel, ${o.publishes} publishes a second apart, ${o.nodes > 1 ? `Arena and the ws peer over Redis on ${o.nodes} nodes, the ws Map peer (also with a 60 Hz loop) and stock Colyseus on one` : "one node each"}, ${o.displayProcesses} display bot process${o.displayProcesses > 1 ? "es" : ""}`);
    out.push(...grid(figureCells(report.displays, DISPLAY_FIGURES, report.displayRatios)), "");
    if (arena.nodes.length > 1) {
      out.push("Per node (Arena):");
      out.push(...grid(perNodeCells(arena)), "");
    }
    const ticks = (m: ColocatedMatch) => `tick interval p99 ${m.tickIntervalP99Ms.toFixed(1)} ms, ${m.ticksPerSecond.toFixed(1)} ticks/s`;
    const loops = (run: DisplayRun) => run.nodes.filter((n) => n.colocatedMatch).map((n) =>
      `${n.node}: ${ticks(n.colocatedMatch!)} (just before, without publishes: ${ticks(n.quietMatch!)})`);
    const matches = loops(arena);
    if (matches.length) out.push(`Co-located 6v6 match of bots during the publishes (nominal tick 16.7 ms): ${matches.join("; ")}`, "");
    const floor = report.displays.find((d) => d.id === "peer-ticks");
    if (floor) out.push(`The loop of ${loops(floor).join("; ")}; it does nothing but wake`, "");
  } else {
    out.push(`Display scenario: skipped (${report.scenarios.displays.reason})`, "");
  }
  if (report.users) {
    out.push(userScenarioLine(report.users), userDeliveryLine(report.users));
    out.push(...grid(figureCells([report.users], USER_FIGURES, {})), "");
  } else {
    out.push(`User channel scenario: skipped (${report.scenarios.users.reason})`, "");
  }
  for (const warning of allWarnings(report)) out.push(`warning: ${warning}`);
  return out.join("\n");
}

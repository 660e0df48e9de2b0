import { DISPLAY_FIGURES, displayWarnings } from "../displayFigures";
import { FIGURES, runWarnings } from "../figures";
import type { BenchReport } from "../runBench";

function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

/** Rows under a header, first two columns left-aligned, the others right-aligned. */
function grid(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** One table: a row per figure, a column per run, then each other run / Arena. */
function figureTable<F>(
  runs: { id: string; label: string; figures: F }[],
  figures: readonly { key: keyof F; label: string; unit: string; digits: number; context?: boolean }[],
  ratios: Record<string, Partial<Record<keyof F, number>>>,
): string[] {
  const others = runs.filter((t) => t.id !== "arena");
  const header = ["figure", "unit", ...runs.map((t) => t.label), ...others.map((p) => `${p.label} / Arena`)];
  const rows = figures.map((f) => [
    f.label,
    f.unit,
    ...runs.map((t) => format(t.figures[f.key] as number, f.digits)),
    ...others.map((p) => (f.context ? "" : `${format(ratios[p.id]?.[f.key] ?? NaN, 2)}x`)),
  ]);
  return grid(header, rows);
}

/** The report as plain text: the match table, the display table (and per node), warnings. */
export function renderTable(report: BenchReport): string {
  const o = report.options;
  const m = report.machine;
  const out = [`${m.cpus} cores (${m.model}), Node ${m.node}, ${report.date}`, ""];
  if (report.targets.length) {
    out.push(`Match scenario: ${o.matches} matches x 12 bots per target, ${o.durationSeconds} s measured after ${o.warmupSeconds} s warm-up, bots fire in ${o.fireMode}`);
    out.push(...figureTable(report.targets, FIGURES, report.ratios), "");
  } else {
    out.push(`Match scenario: skipped (${report.scenarios.match.reason})`, "");
  }
  if (report.displays.length) {
    const arena = report.displays[0];
    out.push(`Display scenario: ${o.displays} displays on one channel, ${o.publishes} publishes a second apart, Arena on ${o.nodes} node${o.nodes > 1 ? "s" : ""}, ${o.displayProcesses} display bot process${o.displayProcesses > 1 ? "es" : ""}`);
    out.push(...figureTable(report.displays, DISPLAY_FIGURES, report.displayRatios), "");
    if (arena.nodes.length > 1) {
      out.push("Per node (Arena):");
      out.push(...grid(
        ["node", "displays", "fan-out p50 ms", "fan-out p99 ms", "max ms", "RSS per display KB", "heap per display KB", "server CPU %"],
        arena.nodes.map((n) => [
          n.node, String(n.displays), format(n.fanout.p50, 2), format(n.fanout.p99, 2), format(n.fanout.max, 2),
          format(n.rssPerDisplayKB, 1), format(n.heapPerDisplayKB, 1), format(n.serverCpuPercent, 1),
        ]),
      ), "");
    }
  } else {
    out.push(`Display scenario: skipped (${report.scenarios.displays.reason})`, "");
  }
  for (const warning of [...report.targets.flatMap(runWarnings), ...report.displays.flatMap(displayWarnings)]) out.push(`warning: ${warning}`);
  return out.join("\n");
}

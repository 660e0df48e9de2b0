import { FIGURES, runWarnings } from "../figures";
import type { BenchReport } from "../runBench";

function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

/** The report as a plain-text table: one row per figure, a column per target, then peer / Arena ratios. */
export function renderTable(report: BenchReport): string {
  const peers = report.targets.filter((t) => t.id !== "arena");
  const header = ["figure", "unit", ...report.targets.map((t) => t.label), ...peers.map((p) => `${p.label} / Arena`)];
  const rows = FIGURES.map((f) => [
    f.label,
    f.unit,
    ...report.targets.map((t) => format(t.figures[f.key], f.digits)),
    ...peers.map((p) => (f.context ? "" : `${format(report.ratios[p.id][f.key] ?? NaN, 2)}x`)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const o = report.options;
  const out = [
    `${o.matches} matches x 12 bots per target, ${o.durationSeconds} s measured after ${o.warmupSeconds} s warm-up; ` +
      `${report.machine.cpus} cores (${report.machine.model}), Node ${report.machine.node}, ${report.date}`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
  ];
  for (const warning of report.targets.flatMap(runWarnings)) out.push(`warning: ${warning}`);
  const displays = report.scenarios.displays;
  out.push(`display fan-out: ${displays.status}${displays.reason ? ` (${displays.reason})` : ""}`);
  return out.join("\n");
}

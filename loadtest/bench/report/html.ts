import { DISPLAY_FIGURES } from "../displayFigures";
import { FIGURES } from "../figures";
import type { Buckets } from "../promText";
import type { BenchReport } from "../runBench";
import { USER_FIGURES } from "../userFigures";
import { figureCells, howTargetsRan, perNodeCells, roundCells, userDeliveryLine, userScenarioLine } from "./figureCells";
import { allWarnings } from "./table";
import { barChart, lineChart } from "./svg";

const COLORS: Record<string, string> = {
  arena: "#1f77b4", stock: "#ff7f0e", json: "#2ca02c", "arena-rewind-off": "#9467bd", "arena-views-off": "#8c564b", "arena-object-input": "#e377c2", "arena-tsx": "#7f7f7f", "arena-source-maps": "#bcbd22", "arena-twin": "#17becf", peer: "#d62728", "peer-nodes": "#ff9896", "stock-lobby": "#ffbb78",
};
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Per-bucket share (%) of a cumulative histogram. */
function shares(buckets: Buckets): number[] {
  const total = buckets.at(-1)?.count ?? 0;
  return buckets.map((b, i) => (total ? (100 * (b.count - (i ? buckets[i - 1].count : 0))) / total : 0));
}

/** A histogram chart over the buckets that hold any observation, for every target. */
function histogramChart(report: BenchReport, title: string, pick: (t: BenchReport["targets"][number]) => Buckets): string {
  const all = report.targets.map((t) => ({ t, b: pick(t), s: shares(pick(t)) }));
  const used = all.flatMap(({ s }) => s.flatMap((v, i) => (v > 0 ? [i] : [])));
  const first = Math.min(...used);
  const last = Math.max(...used);
  const bounds = all[0].b.slice(first, last + 1).map((b) => (b.le === Infinity ? "+Inf" : `≤${+(b.le * 1000).toPrecision(3)}`));
  return barChart(title, "% of ticks", bounds, all.map(({ t, s }) => ({ name: t.label, color: COLORS[t.id], values: s.slice(first, last + 1) })));
}

/** A table of text cells (figureCells, perNodeCells) as HTML. */
function figureTable(cells: { header: string[]; rows: string[][] }): string {
  const row = (tag: string, values: string[]) => `<tr>${values.map((v) => `<${tag}>${esc(v)}</${tag}>`).join("")}</tr>`;
  return `<table>${row("th", cells.header)}${cells.rows.map((r) => row("td", r)).join("")}</table>`;
}

function matchSection(report: BenchReport): string {
  const o = report.options;
  if (!report.targets.length) return `<h2>Match scenario</h2><p>Skipped (${esc(report.scenarios.match.reason ?? "")}).</p>`;
  const series = (pick: (t: BenchReport["targets"][number]) => number) =>
    report.targets.map((t) => ({ name: t.label, color: COLORS[t.id], values: [pick(t)] }));
  const charts = [
    histogramChart(report, "Tick work time distribution (bucket upper bound, ms)", (t) => t.charts.tickWorkBuckets),
    histogramChart(report, "Tick interval jitter distribution (bucket upper bound, ms)", (t) => t.charts.tickJitterBuckets),
    lineChart("Input -> state latency CDF", "ms", "fraction of inputs",
      report.targets.map((t) => ({ name: t.label, color: COLORS[t.id], points: t.charts.latency.cdf.map(([ms, q]) => [ms, q] as [number, number]) })), 1),
    lineChart("Each bot's median input -> state latency, ascending", "bot rank (fraction of bots)", "ms",
      report.targets.map((t) => ({ name: t.label, color: COLORS[t.id], points: t.charts.botMedians.map((ms, i, all) => [(i + 1) / all.length, ms] as [number, number]) }))),
    barChart("Server CPU per room", "% of one core", ["CPU per room"], series((t) => t.figures.cpuPerRoomPercent)),
    barChart("Downstream bytes per client", "bytes/s", ["bytes/s per client"], series((t) => t.figures.bytesPerSecondPerClient)),
    lineChart("Server CPU during the window", "s", "% of one core",
      report.targets.map((t) => ({ name: t.label, color: COLORS[t.id], points: t.charts.cpuSeries.map((v, i) => [i + 1, v] as [number, number]) }))),
  ];
  const byRound = roundCells(report.targets);
  return `<h2>Match scenario</h2>
<p>${o.matches} matches x 12 bots per target; ${o.durationSeconds} s measured after ${o.warmupSeconds} s warm-up; bots fire in ${esc(o.fireMode)}; targets run one after another unless paired; each target's bots in a separate process on the same machine.</p>
${howTargetsRan(report).map((line) => `<p>${esc(line)}</p>`).join("\n")}
${figureTable(figureCells(report.targets, FIGURES, report.ratios))}
${byRound ? `<p>Each figure above is the median of ${o.rounds} rounds (the charts are the median round's). Server CPU per room by round, % of a core:</p>${figureTable(byRound)}` : ""}
<div>${charts.join("\n")}</div>`;
}

function displaySection(report: BenchReport): string {
  const o = report.options;
  if (!report.displays.length) return `<h2>Display scenario</h2><p>Skipped (${esc(report.scenarios.displays.reason ?? "")}).</p>`;
  const perNode = report.displays.filter((d) => d.nodes.length > 1).map((d) => `<h3>${esc(d.label)} per node</h3>${figureTable(perNodeCells(d))}`);
  const charts = [
    lineChart("Fan-out latency CDF (publish request sent -> display's handler)", "ms", "fraction of receipts",
      report.displays.map((d) => ({ name: d.label, color: COLORS[d.id], points: d.fanout.cdf.map(([ms, q]) => [ms, q] as [number, number]) })), 1),
    barChart("RSS per idle display", "KB", ["RSS per display"], report.displays.map((d) => ({ name: d.label, color: COLORS[d.id], values: [d.figures.rssPerDisplayKB] }))),
  ];
  return `<h2>Display scenario</h2>
<p>${o.displays} displays on one channel; ${o.publishes} publishes over HTTP a second apart; Arena on ${o.nodes} node(s); ${o.displayProcesses} display bot process(es) on the same machine.</p>
${figureTable(figureCells(report.displays, DISPLAY_FIGURES, report.displayRatios))}
${perNode.join("")}
<div>${charts.join("\n")}</div>`;
}

function userSection(report: BenchReport): string {
  const run = report.users;
  if (!run) return `<h2>User channel scenario</h2><p>Skipped (${esc(report.scenarios.users.reason ?? "")}).</p>`;
  const cdf = lineChart("User message latency CDF at the devices", "ms", "fraction of deliveries", [
    { name: "relay (server ts -> device)", color: COLORS.arena, points: run.deviceRelay.cdf },
    { name: "push request -> device", color: "#ff7f0e", points: run.pushToDevice.cdf },
  ], 1);
  return `<h2>User channel scenario</h2>
<p>${esc(userScenarioLine(run))}.</p>
<p>${esc(userDeliveryLine(run))}.</p>
${figureTable(figureCells([run], USER_FIGURES, {}))}
<div>${cdf}</div>`;
}

/** The whole report as one HTML file: tables and inline SVG charts, nothing fetched. */
export function renderHtml(report: BenchReport): string {
  const notes = allWarnings(report).map((w) => `<p class="warn">${esc(w)}.</p>`);
  const all = [
    ...report.targets.flatMap((t) => (t.profile ? [{ title: t.label, top: t.profile.top }] : [])),
    ...report.displays.flatMap((d) => (d.profiles ?? []).map((p) => ({ title: `displays: ${d.label} ${p.node === d.label ? "" : p.node}`, top: p.top }))),
    ...(report.users?.profile ? [{ title: "user channels: Arena", top: report.users.profile.top }] : []),
  ];
  const profiles = all.map((p) =>
    `<h3>${esc(p.title)}: top self time (% of busy samples)</h3><table><tr><th>%</th><th>ms</th><th>function</th><th>where</th></tr>` +
    p.top.map((f) => `<tr><td>${f.selfPercent.toFixed(1)}</td><td>${f.selfMs.toFixed(0)}</td><td>${esc(f.name)}</td><td>${esc(f.where)}</td></tr>`).join("") +
    `</table>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Arena benchmark ${esc(report.date)}</title>
<style>body{font-family:sans-serif;margin:24px;max-width:1400px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,td:nth-child(2),th:first-child{text-align:left}.warn{color:#b00}svg{margin:8px;border:1px solid #eee}</style>
</head><body>
<h1>Arena benchmark</h1>
<p>${esc(report.date)} · ${report.machine.cpus} cores (${esc(report.machine.model)}), ${report.machine.memoryGB} GB, Node ${esc(report.machine.node)}, Linux ${esc(report.machine.kernel)}. Definitions: docs/benchmarks.md.</p>
${notes.join("")}
${matchSection(report)}
${displaySection(report)}
${userSection(report)}
${profiles.length ? `<h2>Where the time goes (--cpu-prof, whole server lifetime)</h2>${profiles.join("")}` : ""}
</body></html>
`;
}

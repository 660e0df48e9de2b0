/**
 * `npm run bench`: Arena against two peers doing the same game work with the
 * same bots, one after another on loopback. Prints a table and writes JSON and
 * HTML reports under bench-reports/. Figures are defined in docs/benchmarks.md.
 *
 *   npm run bench -- --matches 10 --duration 30 --warmup 5 --displays 0 --port 2600 --profile
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./bench/processes";
import { renderHtml } from "./bench/report/html";
import { renderTable } from "./bench/report/table";
import { runBench } from "./bench/runBench";

const { values } = parseArgs({
  options: {
    matches: { type: "string", default: "10" },
    duration: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    displays: { type: "string", default: "0" },
    port: { type: "string", default: "2600" },
    out: { type: "string", default: path.join(ROOT, "bench-reports") },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [--matches N] [--duration S] [--warmup S] [--displays N] [--port P] [--out DIR] [--profile]
  --matches   matches of 12 bots per target (default 10)
  --duration  measured seconds per target (default 30)
  --warmup    seconds of load before measuring (default 5)
  --displays  display clients for the lobby fan-out scenario (skipped until the lobby exists)
  --port      first of three ports: Arena, stock Colyseus, JSON broadcast (default 2600)
  --out       folder for the reports (default bench-reports/)
  --profile   run each server under --cpu-prof and print its top self-time functions`);
  process.exit(0);
}

function positiveInt(name: string, raw: string, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    console.error(`--${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const tty = process.stderr.isTTY;
let lastPrinted = 0;
function onProgress(line: string): void {
  if (tty) {
    process.stderr.write(`\r\x1b[2K${line}`);
  } else if (Date.now() - lastPrinted > 5000 || !line.includes("measuring")) {
    // Without a terminal, a line every few seconds rather than one per second.
    process.stderr.write(`${line}\n`);
    lastPrinted = Date.now();
  }
}

(async () => {
  const report = await runBench({
    matches: positiveInt("matches", values.matches),
    durationSeconds: positiveInt("duration", values.duration),
    warmupSeconds: positiveInt("warmup", values.warmup, true),
    displays: positiveInt("displays", values.displays, true),
    port: positiveInt("port", values.port),
    outDir: path.resolve(values.out),
    cpuProfile: values.profile,
    onProgress,
  });
  if (tty) process.stderr.write("\r\x1b[2K");
  const jsonFile = path.join(report.runDir, "report.json");
  const htmlFile = path.join(report.runDir, "report.html");
  writeFileSync(jsonFile, JSON.stringify(report, null, 2));
  writeFileSync(htmlFile, renderHtml(report));
  console.log(renderTable(report));
  for (const t of report.targets) {
    if (!t.profile) continue;
    console.log(`\n${t.label} server, top self time, % of busy samples (${t.profile.file}):`);
    for (const f of t.profile.top) {
      console.log(`${f.selfPercent.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
    }
  }
  console.log(`\nreports: ${jsonFile}\n         ${htmlFile}`);
})().catch((error: unknown) => {
  console.error(`\nbench failed: ${(error as Error)?.stack ?? error}`);
  process.exit(1);
});

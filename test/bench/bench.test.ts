import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { FIGURES } from "../../loadtest/bench/figures";
import type { BenchReport } from "../../loadtest/bench/runBench";

const ROOT = path.resolve(__dirname, "../..");

describe("benchmark harness (tiny size)", function () {
  this.timeout(180_000);
  let out: string;
  let stdout: string;
  let report: BenchReport;
  let html: string;

  before(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), "arena-bench-"));
    const args = ["--import", "tsx", "loadtest/bench.ts", "--matches", "1", "--duration", "3", "--warmup", "1", "--displays", "2", "--port", "2620", "--out", out];
    ({ stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT }));
    const [runDir] = readdirSync(out);
    report = JSON.parse(readFileSync(path.join(out, runDir, "report.json"), "utf8"));
    html = readFileSync(path.join(out, runDir, "report.html"), "utf8");
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("measures Arena and both peers with 12 bots each", () => {
    assert.deepEqual(report.targets.map((t) => t.id), ["arena", "stock", "json"]);
    for (const t of report.targets) {
      assert.equal(t.clients, 12, t.label);
      assert.equal(t.disconnects, 0, `${t.label} lost bots during the window`);
      assert.ok(t.charts.latency.count > 0, `${t.label} measured no input->state latency`);
    }
  });

  it("gives every figure, finite, for every target, and the ratios to Arena", () => {
    for (const t of report.targets) {
      for (const f of FIGURES) assert.ok(Number.isFinite(t.figures[f.key]), `${t.label}: ${f.key} = ${t.figures[f.key]}`);
    }
    for (const peer of ["stock", "json"]) {
      for (const f of FIGURES.filter((f) => !f.context)) {
        assert.ok(Number.isFinite(report.ratios[peer][f.key]), `${peer} / Arena: ${f.key} = ${report.ratios[peer][f.key]}`);
      }
    }
  });

  it("prints the table and says the display scenario was skipped", () => {
    for (const f of FIGURES) assert.match(stdout, new RegExp(f.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.equal(report.scenarios.displays.status, "skipped");
    assert.match(stdout, /display fan-out: skipped \(the lobby room does not exist yet/);
  });

  it("writes a self-contained HTML report with charts", () => {
    assert.equal((html.match(/<svg /g) ?? []).length, 7);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "nothing fetched from elsewhere");
  });
});

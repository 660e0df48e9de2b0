import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { DISPLAY_FIGURES } from "../../loadtest/bench/displayFigures";
import { FIGURES } from "../../loadtest/bench/figures";
import type { BenchReport } from "../../loadtest/bench/runBench";
import { USER_FIGURES } from "../../loadtest/bench/userFigures";

const ROOT = path.resolve(__dirname, "../..");
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface BenchOutput {
  stdout: string;
  report: BenchReport;
  html: string;
}

/** Runs `npm run bench` with `args` into a fresh folder and reads what it wrote. */
async function bench(out: string, args: string[]): Promise<BenchOutput> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "loadtest/bench.ts", ...args, "--out", out], {
    cwd: ROOT,
    maxBuffer: 16 * 2 ** 20,
  });
  const [runDir] = readdirSync(out);
  return {
    stdout,
    report: JSON.parse(readFileSync(path.join(out, runDir, "report.json"), "utf8")),
    html: readFileSync(path.join(out, runDir, "report.html"), "utf8"),
  };
}

describe("benchmark harness (tiny size)", function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  let single: BenchOutput;
  let twoNodes: BenchOutput;
  let twoRounds: BenchOutput;
  let users: BenchOutput;
  let capacity: BenchOutput;

  const out = () => {
    dirs.push(mkdtempSync(path.join(os.tmpdir(), "arena-bench-")));
    return dirs.at(-1)!;
  };
  // One hook a run, each with the suite's timeout: the five runs took about 260 s of the 300 on a 2-core
  // machine (the first about two minutes), so one hook for all of them times out on a slower machine where
  // every run is sound; a run that hangs still fails its own hook.
  before(async () => {
    single = await bench(out(), [
      "--matches", "1", "--duration", "3", "--warmup", "1", "--variants", "rewind-off,views-off,object-input,tsx,source-maps,twin",
      // More displays than a lobby holds by default (ARENA_LOBBY_MAX_CLIENTS, 500): the harness must raise it.
      "--displays", "520", "--publishes", "3", "--users", "0", "--port", "2820", "--paired",
    ]);
  });
  before(async () => {
    twoNodes = await bench(out(), ["--matches", "0", "--displays", "20", "--publishes", "2", "--nodes", "2", "--display-procs", "2", "--users", "0", "--port", "2837"]);
  });
  before(async () => {
    twoRounds = await bench(out(), ["--matches", "1", "--duration", "2", "--warmup", "1", "--skip-peers", "--variants", "rewind-off", "--rounds", "2", "--displays", "20", "--publishes", "2", "--users", "0", "--port", "2854", "--no-pin"]);
  });
  before(async () => {
    users = await bench(out(), [
      "--matches", "0", "--displays", "0",
      "--users", "5", "--devices", "2", "--user-rate", "200", "--user-seconds", "1", "--pushers", "2", "--device-procs", "2", "--port", "2871",
    ]);
  });
  before(async () => {
    capacity = await bench(out(), [
      // Over two nodes on Redis: ports 3000-3053 (PORTS_USED x 3).
      "--capacity", "--nodes", "2", "--capacity-start", "2", "--capacity-step", "2", "--capacity-max", "4", "--duration", "2", "--warmup", "1",
      "--displays", "0", "--users", "0", "--port", "3000",
    ]);
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("measures Arena, both peers and the requested Arena variants with 12 authenticated bots each", () => {
    const { report } = single;
    assert.deepEqual(report.targets.map((t) => t.id), ["arena", "stock", "json", "arena-rewind-off", "arena-views-off", "arena-object-input", "arena-tsx", "arena-source-maps", "arena-twin"]);
    for (const t of report.targets) {
      assert.equal(t.clients, 12, t.label);
      assert.equal(t.disconnects, 0, `${t.label} lost bots during the window`);
      assert.ok(t.charts.latency.count > 0, `${t.label} measured no input->state latency`);
    }
  });

  it("gives every match figure, finite, for every target, and the ratios to Arena", () => {
    const { report } = single;
    for (const t of report.targets) {
      for (const f of FIGURES) assert.ok(Number.isFinite(t.figures[f.key]), `${t.label}: ${f.key} = ${t.figures[f.key]}`);
    }
    for (const other of ["stock", "json", "arena-rewind-off", "arena-views-off", "arena-object-input", "arena-tsx", "arena-source-maps", "arena-twin"]) {
      for (const f of FIGURES.filter((f) => !f.context)) {
        assert.ok(Number.isFinite(report.ratios[other][f.key]), `${other} / Arena: ${f.key} = ${report.ratios[other][f.key]}`);
      }
    }
  });

  it("runs the match servers on the last CPU and the bots on the others, as /proc shows in the window; --no-pin leaves them all CPUs", () => {
    const cpus = os.availableParallelism();
    const every = cpus === 1 ? "0" : `0-${cpus - 1}`;
    const { placement, targets } = single.report;
    if (cpus >= 2) {
      assert.deepEqual(placement, { server: String(cpus - 1), load: cpus === 2 ? "0" : `0-${cpus - 2}` });
      for (const t of targets) assert.deepEqual(t.cpus, { server: String(cpus - 1), bots: cpus === 2 ? "0" : `0-${cpus - 2}` }, t.label);
      assert.match(single.stdout, new RegExp(escape(`servers ${cpus - 1}, bots ${cpus === 2 ? "0" : `0-${cpus - 2}`}`)));
    } else {
      assert.ok("unavailable" in placement);
    }
    assert.deepEqual(twoRounds.report.placement, { unavailable: "--no-pin" });
    for (const t of twoRounds.report.targets) assert.deepEqual(t.cpus, { server: every, bots: every }, t.label);
  });

  it("with --paired measures Arena and stock Colyseus in one window, the others alone, and says so", () => {
    const { report, stdout } = single;
    const byId = Object.fromEntries(report.targets.map((t) => [t.id, t]));
    assert.deepEqual(byId.arena.ranWith, ["stock"]);
    assert.deepEqual(byId.stock.ranWith, ["arena"]);
    assert.ok(Math.abs(byId.arena.windowStartedAt - byId.stock.windowStartedAt) < 1000, "Arena's and stock's windows open together");
    for (const t of report.targets.slice(2)) {
      assert.deepEqual(t.ranWith, [], t.label);
      assert.ok(t.windowStartedAt - byId.arena.windowStartedAt >= 3000, `${t.label} ran after the paired window`);
    }
    for (const t of twoRounds.report.targets) assert.deepEqual(t.ranWith, [], t.label);
    assert.match(stdout, /Paired: Arena and stock Colyseus ran at the same time/);
  });

  it("delivers every publish to every display exactly once, on Arena's lobby (over its default cap), the ws peer (also with a 60 Hz loop) and stock Colyseus's LobbyRoom", () => {
    const { report } = single;
    assert.deepEqual(report.displays.map((d) => d.id), ["arena", "peer", "peer-ticks", "stock-lobby"]);
    for (const d of report.displays) {
      assert.equal(d.displays, 520, d.label);
      assert.equal(d.publishes, 3, d.label);
      assert.equal(d.fanout.count, 1560, `${d.label}: receipts`);
      assert.equal(d.missing, 0, d.label);
      assert.equal(d.duplicates, 0, d.label);
      assert.equal(d.disconnects, 0, d.label);
      for (const f of DISPLAY_FIGURES) assert.ok(Number.isFinite(d.figures[f.key]), `${d.label}: ${f.key} = ${d.figures[f.key]}`);
    }
    for (const f of DISPLAY_FIGURES.filter((f) => !f.context)) {
      for (const peer of ["peer", "peer-ticks", "stock-lobby"]) {
        assert.ok(Number.isFinite(report.displayRatios[peer][f.key]), `${peer} / Arena: ${f.key} = ${report.displayRatios[peer][f.key]}`);
      }
    }
  });

  it("reads the ticking peer's 60 Hz loop beside the publishes and prints it under the table; the plain peer has no loop", () => {
    const { report, stdout } = single;
    const [loop] = report.displays.find((d) => d.id === "peer-ticks")!.nodes;
    assert.ok(loop.colocatedMatch && loop.quietMatch, "no loop figures");
    assert.ok(loop.colocatedMatch.ticksPerSecond > 30, `the loop woke ${loop.colocatedMatch.ticksPerSecond}/s`);
    assert.ok(Number.isFinite(loop.colocatedMatch.tickIntervalP99Ms) && Number.isFinite(loop.quietMatch.tickIntervalP99Ms));
    assert.equal(report.displays.find((d) => d.id === "peer")!.nodes[0].colocatedMatch, undefined);
    assert.match(stdout, /\nThe loop of ws Map peer, 60 Hz loop: tick interval p99 [\d.]+ ms, [\d.]+ ticks\/s \(just before, without publishes: /);
  });

  it("splits displays across two Arena nodes on Redis: a publish on node A reaches node B's displays exactly once", () => {
    const { report } = twoNodes;
    assert.equal(report.scenarios.match.status, "skipped");
    const arena = report.displays.find((d) => d.id === "arena")!;
    assert.deepEqual(arena.nodes.map((n) => [n.node, n.displays]), [["node A (publish)", 10], ["node B", 10]]);
    for (const n of arena.nodes) {
      assert.equal(n.fanout.count, 20, `${n.node}: receipts`);
      assert.ok(Number.isFinite(n.fanout.p99), `${n.node}: fan-out p99 = ${n.fanout.p99}`);
      // A 6v6 match of bots on each node during the publishes, its ticks measured on that node.
      assert.ok(n.colocatedMatch, `${n.node}: no co-located match`);
      assert.ok(n.colocatedMatch.ticksPerSecond > 30, `${n.node}: co-located match ticked ${n.colocatedMatch.ticksPerSecond}/s`);
      assert.ok(Number.isFinite(n.colocatedMatch.tickIntervalP99Ms), `${n.node}: tick interval p99 = ${n.colocatedMatch.tickIntervalP99Ms}`);
      assert.equal(n.colocatedMatch.disconnects, 0, `${n.node}: match bots disconnected`);
    }
    assert.equal(arena.missing, 0);
    assert.equal(arena.duplicates, 0);
    assert.match(twoNodes.stdout, /Per node \(Arena\):\n.*\n.*\nnode A \(publish\) +10 .*\nnode B +10 /);
  });

  it("runs the ws peer over Redis on as many nodes: a publish on node A reaches node B's displays exactly once", () => {
    const { report } = twoNodes;
    assert.deepEqual(report.displays.map((d) => d.id), ["arena", "peer", "peer-ticks", "stock-lobby", "peer-nodes"]);
    const scaledPeer = report.displays.find((d) => d.id === "peer-nodes")!;
    assert.deepEqual(scaledPeer.nodes.map((n) => [n.node, n.displays, n.fanout.count]), [["node A (publish)", 10, 20], ["node B", 10, 20]]);
    assert.equal(scaledPeer.missing, 0);
    assert.equal(scaledPeer.duplicates, 0);
    // The one-process targets stay on one node.
    for (const id of ["peer", "peer-ticks", "stock-lobby"]) assert.equal(report.displays.find((d) => d.id === id)!.nodes.length, 1, id);
  });

  it("with --rounds runs every target that many times and reports each figure's median and every round's CPU", () => {
    const { report, stdout, html } = twoRounds;
    assert.deepEqual(report.targets.map((t) => t.id), ["arena", "arena-rewind-off"]);
    for (const t of report.targets) {
      assert.equal(t.rounds?.length, 2, t.label);
      for (const f of FIGURES) {
        const [a, b] = t.rounds!.map((r) => r[f.key]);
        assert.ok(Math.abs(t.figures[f.key] - (a + b) / 2) < 1e-9, `${t.label}: ${f.key} ${t.figures[f.key]} is the median of ${a} and ${b}`);
      }
    }
    assert.match(stdout, /median of 2 rounds\. Server CPU per room by round/);
    assert.match(stdout, /\n1 +[\d.]+ +[\d.]+ +[\d.]+x\n2 +[\d.]+ +[\d.]+ +[\d.]+x\n/);
    assert.match(html, /median of 2 rounds/);
  });

  it("with --skip-peers runs the display scenario on Arena alone, every display getting every publish", () => {
    const { report } = twoRounds;
    assert.deepEqual(report.displays.map((d) => d.id), ["arena"]);
    assert.deepEqual([report.displays[0].fanout.count, report.displays[0].missing, report.displays[0].duplicates], [40, 0, 0]);
  });

  it("user channels: every push reaches exactly its user's devices once, in seq order, from two pushers to two device processes", () => {
    const { report } = users;
    assert.deepEqual([report.scenarios.match.status, report.scenarios.displays.status, report.scenarios.users.status], ["skipped", "skipped", "ran"]);
    const run = report.users!;
    const d = run.delivery;
    // One warm-up push to each of the 5 users, then 200 in the window less any the pushers could not send in time.
    const pushes = 5 + 200 - run.unsent;
    assert.equal(d.expected, pushes * 2);
    assert.equal(d.delivered, d.expected);
    assert.equal(d.windowExpected, (200 - run.unsent) * 2);
    assert.equal(d.serverRelayed, d.windowExpected, "the server's relay counter agrees with the devices");
    assert.deepEqual(
      { missing: d.missing, unexpected: d.unexpected, duplicates: d.duplicates, foreign: d.foreign, outOfOrder: d.outOfOrder, notices: d.notices, disconnects: d.disconnects, pushFailures: d.pushFailures },
      { missing: 0, unexpected: 0, duplicates: 0, foreign: 0, outOfOrder: 0, notices: 0, disconnects: 0, pushFailures: 0 },
    );
    assert.equal(run.deviceRelay.count, d.windowExpected);
    for (const f of USER_FIGURES) assert.ok(Number.isFinite(run.figures[f.key]), `${f.key} = ${run.figures[f.key]}`);
    const cpus = os.availableParallelism();
    if (cpus >= 2) assert.deepEqual(run.cpus, { server: String(cpus - 1), load: cpus === 2 ? "0" : `0-${cpus - 2}` });
  });

  it("capacity mode ramps Arena and stock Colyseus over two nodes each, judging each size by the service level, and reports the last size that held", () => {
    const runs = capacity.report.capacity!;
    assert.deepEqual(runs.map((r) => r.id), ["arena", "stock"]);
    for (const run of runs) {
      assert.ok(run.steps.length >= 1 && run.steps.length <= 2);
      assert.deepEqual(run.steps.map((s) => s.matches), [2, 4].slice(0, run.steps.length));
      // Every match found on one of the two nodes; Arena's placement counts what it just placed, so bots joining
      // one after another through both nodes split the matches evenly.
      for (const step of run.steps) {
        assert.equal(step.matchesPerNode?.length, 2, `${run.label}: ${JSON.stringify(step.matchesPerNode)}`);
        assert.equal(step.matchesPerNode!.reduce((a, b) => a + b, 0), step.matches, `${run.label}: ${JSON.stringify(step.matchesPerNode)}`);
        if (run.id === "arena") assert.deepEqual(step.matchesPerNode, [step.matches / 2, step.matches / 2]);
      }
      for (const step of run.steps) {
        for (const value of [step.tickRateHz, step.tickJitterP99Ms, step.latencyP99Ms, step.cpuPerRoomPercent]) assert.ok(Number.isFinite(value), JSON.stringify(step));
        assert.equal(step.held, step.broke.length === 0);
      }
      // The ramp stops at the first size that broke; the size before it is what held.
      const firstBroken = run.steps.findIndex((s) => !s.held);
      assert.equal(run.heldMatches, firstBroken === -1 ? run.steps.at(-1)!.matches : firstBroken === 0 ? 0 : run.steps[firstBroken - 1].matches);
      assert.equal(run.brokeAt?.matches, firstBroken === -1 ? undefined : run.steps[firstBroken].matches);
      assert.match(capacity.stdout, new RegExp(`${escape(run.label)}: (\\d+ matches held|no size held)`));
    }
    assert.equal(capacity.report.targets.length, 0, "the fixed-size match scenario gives way to the ramps");
    assert.match(capacity.stdout, /Capacity: matches of 12 bots per server on 2 nodes on Redis, every process on every CPU/);
    assert.match(capacity.stdout, /\nArena +2 +1 \/ 1 +(yes|no) /);
    assert.deepEqual(capacity.report.placement, { unavailable: "--nodes 2: every node and the bots on every CPU, as PM2 runs them" });
  });

  it("prints every scenario's table", () => {
    for (const f of FIGURES) assert.match(single.stdout, new RegExp(escape(f.label)));
    for (const f of DISPLAY_FIGURES) assert.match(single.stdout, new RegExp(escape(f.label)));
    assert.match(single.stdout, /Arena, views off \/ Arena/);
    assert.match(twoNodes.stdout, /Match scenario: skipped \(--matches 0\)/);
    assert.match(twoNodes.stdout, /Co-located 6v6 match of bots during the publishes \(nominal tick 16.7 ms\): node A \(publish\): tick interval p99 [\d.]+ ms, [\d.]+ ticks\/s \(just before, without publishes: tick interval p99 [\d.]+ ms, [\d.]+ ticks\/s\); node B: tick interval p99/);
    for (const f of USER_FIGURES) assert.match(users.stdout, new RegExp(escape(f.label)));
    assert.match(users.stdout, /Delivered (\d+)\/\1 \(warm-up included\): missing 0, duplicates 0, foreign 0, out of order 0/);
    assert.match(single.stdout, /User channel scenario: skipped \(--users 0\)/);
  });

  it("writes self-contained HTML reports with charts", () => {
    assert.equal((single.html.match(/<svg /g) ?? []).length, 9);
    assert.equal((twoNodes.html.match(/<svg /g) ?? []).length, 2);
    assert.equal((users.html.match(/<svg /g) ?? []).length, 1);
    for (const { html } of [single, twoNodes, users]) {
      assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "nothing fetched from elsewhere");
    }
  });
});

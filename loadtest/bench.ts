/**
 * `npm run bench`: Arena against two peers doing the same game work with the
 * same bots, one after another on loopback. Prints a table and writes JSON and
 * HTML reports under bench-reports/. Figures are defined in docs/benchmarks.md.
 *
 *   npm run bench -- --matches 10 --duration 30 --warmup 5 --displays 1000 --port 2600 --profile
 *   npm run bench -- --matches 0 --displays 0 --users 1000 --devices 3 --user-rate 10000 --user-seconds 10
 */
import { USER_BATCH_MAX } from "../schema/messages";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./bench/processes";
import { renderHtml } from "./bench/report/html";
import { renderTable } from "./bench/report/table";
import { FIRE_MODES, FireMode } from "./bot/intentions";
import { PORTS_USED, runBench } from "./bench/runBench";
import { Variant, VARIANTS } from "./bench/targets";

const { values } = parseArgs({
  options: {
    matches: { type: "string", default: "10" },
    duration: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    variants: { type: "string", default: "" },
    "skip-peers": { type: "boolean", default: false },
    rounds: { type: "string", default: "1" },
    fire: { type: "string", default: "bursts" },
    displays: { type: "string", default: "1000" },
    publishes: { type: "string", default: "10" },
    nodes: { type: "string", default: "1" },
    "display-procs": { type: "string", default: "1" },
    "no-display-match": { type: "boolean", default: false },
    users: { type: "string", default: "1000" },
    devices: { type: "string", default: "3" },
    "user-rate": { type: "string", default: "10000" },
    "user-seconds": { type: "string", default: "10" },
    "device-procs": { type: "string", default: "1" },
    pushers: { type: "string", default: "1" },
    "user-batch": { type: "string", default: "1" },
    port: { type: "string", default: "2600" },
    out: { type: "string", default: path.join(ROOT, "bench-reports") },
    profile: { type: "boolean", default: false },
    capacity: { type: "boolean", default: false },
    "capacity-start": { type: "string", default: "2" },
    "capacity-step": { type: "string", default: "2" },
    "capacity-max": { type: "string", default: "40" },
    "no-pin": { type: "boolean", default: false },
    paired: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [--matches N] [--duration S] [--warmup S] [--variants LIST] [--skip-peers] [--rounds N] [--fire MODE] [--no-pin] [--paired] [--capacity ...]
                 [--displays N] [--publishes N] [--nodes N] [--display-procs N] [--no-display-match]
                 [--users N] [--devices N] [--user-rate N] [--user-seconds S] [--device-procs N] [--pushers N] [--user-batch N] [--port P] [--out DIR] [--profile]
Match scenario (Arena, stock Colyseus, JSON broadcast):
  --matches        matches of 12 bots per target; 0 skips the scenario (default 10)
  --duration       measured seconds per target (default 30)
  --warmup         seconds of load before measuring (default 5)
  --variants       Arena variants to add, comma-separated: ${Object.keys(VARIANTS).join(", ")} (default none)
  --skip-peers     Arena and its variants only (to price a feature in less time); the display scenario runs Arena only
  --no-pin         let the servers share every CPU with the bots (default: each server alone on the last CPU; user scenario too)
  --paired         run Arena and stock Colyseus (with --skip-peers: the first variant) at the same time,
                   servers on the same CPU, to compare CPU under the same machine drift; the rest run alone
  --rounds         run every target N times, interleaved; each figure is the median, each round's CPU is listed (default 1)
  --fire           how bots fire: ${FIRE_MODES.join(" or ")} (default bursts)
Display scenario (Arena lobby, ws Map peer):
  --displays       displays on one channel; 0 skips the scenario (default 1000)
  --publishes      measured publishes, one a second (default 10)
  --nodes          Arena nodes, 1 or 2 here; 2 starts redis-server and splits the displays (default 1); also
                   scales out the match scenario and capacity mode (see All)
  --display-procs  display bot processes (default 1)
  --no-display-match  no 6v6 match of bots on each Arena node during the publishes (default: one, its tick interval reported)
User channel scenario (Arena, one node):
  --users          identities, each with --devices devices in the lobby; 0 skips the scenario (default 1000)
  --devices        devices (connections) per identity (default 3)
  --user-rate      pushes a second over HTTP, round robin over the users (default 10000)
  --user-seconds   seconds of pushing, measured (default 10)
  --device-procs   device bot processes (default 1)
  --pushers        pusher processes, the users and the rate split evenly (default 1)
  --user-batch     messages per push request: 1 posts each to /api/users/:sub/messages, more (at most 100)
                   go in batches to /api/users/messages (default 1)
All:
  --nodes N        match scenario and capacity mode: Arena, its variants and stock Colyseus each run as N
                   processes (at most 8; more than 2 with --displays 0) on a redis-server of their own, bots spread over them by matchmaking (a connection
                   round robin over the nodes), nothing pinned (as PM2 runs them); the report shows matches per node
  --port           first of ${PORTS_USED} consecutive ports the run uses, ${PORTS_USED} x (N + 1) with --nodes N > 1 (default 2600)
  --out            folder for the reports (default bench-reports/)
  --profile        run each server under --cpu-prof and print its top self-time functions
  --capacity       capacity mode: Arena and stock Colyseus, each alone on its pinned core, from --capacity-start
                   matches of 12 bots (default 2) up by --capacity-step (2) to --capacity-max (40), a fresh
                   server per size, --warmup and --duration each, until a size breaks the 60 Hz service level
                   (tick rate >= 59.5 Hz, tick interval p99 <= 4 ms past nominal, input->ack p99 <= 33.3 ms,
                   no bot disconnected); reports the last size that held and what broke`);
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

function variants(raw: string): Variant[] {
  const list = raw.split(",").map((v) => v.trim()).filter(Boolean);
  const unknown = list.filter((v) => !(v in VARIANTS));
  if (unknown.length) {
    console.error(`--variants: unknown ${unknown.join(", ")}; known: ${Object.keys(VARIANTS).join(", ")}`);
    process.exit(2);
  }
  return [...new Set(list)] as Variant[];
}

function fireMode(raw: string): FireMode {
  if (!(FIRE_MODES as readonly string[]).includes(raw)) {
    console.error(`--fire must be ${FIRE_MODES.join(" or ")}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return raw as FireMode;
}

const nodes = positiveInt("nodes", values.nodes);
if (nodes > 8) {
  console.error("--nodes must be at most 8");
  process.exit(2);
}
const displays = positiveInt("displays", values.displays, true);
if (nodes > 2 && displays > 0) {
  console.error("--nodes above 2 needs --displays 0: the display scenario runs one or two nodes");
  process.exit(2);
}

const users = positiveInt("users", values.users, true);
const pushers = positiveInt("pushers", values.pushers);
if (positiveInt("user-batch", values["user-batch"]) > USER_BATCH_MAX) {
  console.error(`--user-batch must not exceed ${USER_BATCH_MAX}: the server takes at most that many messages a request`);
  process.exit(2);
}
if (users > 0 && pushers > users) {
  console.error("--pushers must not exceed --users: each pusher takes a share of the users");
  process.exit(2);
}

const rounds = positiveInt("rounds", values.rounds);
if (rounds > 1 && values.profile) {
  console.error("--profile takes one round: each server's profile covers its whole process");
  process.exit(2);
}

(async () => {
  const report = await runBench({
    matches: positiveInt("matches", values.matches, true),
    durationSeconds: positiveInt("duration", values.duration),
    warmupSeconds: positiveInt("warmup", values.warmup, true),
    variants: variants(values.variants),
    skipPeers: values["skip-peers"],
    rounds,
    fireMode: fireMode(values.fire),
    displays,
    publishes: positiveInt("publishes", values.publishes),
    nodes,
    displayProcesses: positiveInt("display-procs", values["display-procs"]),
    colocatedMatch: !values["no-display-match"],
    users,
    devicesPerUser: positiveInt("devices", values.devices),
    userRate: positiveInt("user-rate", values["user-rate"]),
    userSeconds: positiveInt("user-seconds", values["user-seconds"]),
    deviceProcesses: positiveInt("device-procs", values["device-procs"]),
    pushers,
    userBatch: positiveInt("user-batch", values["user-batch"]),
    port: positiveInt("port", values.port),
    outDir: path.resolve(values.out),
    cpuProfile: values.profile,
    pin: !values["no-pin"],
    paired: values.paired,
    capacity: values.capacity
      ? { start: positiveInt("capacity-start", values["capacity-start"]), step: positiveInt("capacity-step", values["capacity-step"]), max: positiveInt("capacity-max", values["capacity-max"]) }
      : undefined,
    onProgress,
  });
  if (tty) process.stderr.write("\r\x1b[2K");
  const jsonFile = path.join(report.runDir, "report.json");
  const htmlFile = path.join(report.runDir, "report.html");
  writeFileSync(jsonFile, JSON.stringify(report, null, 2));
  writeFileSync(htmlFile, renderHtml(report));
  console.log(renderTable(report));
  const profiles = [
    ...report.targets.flatMap((t) => (t.profile ? [{ title: `${t.label} server`, ...t.profile }] : [])),
    ...report.displays.flatMap((d) => (d.profiles ?? []).map((p) => ({ title: `Display scenario, ${p.node === d.label ? d.label : `${d.label} ${p.node}`}`, ...p }))),
    ...(report.users?.profile ? [{ title: "User channel scenario, Arena", ...report.users.profile }] : []),
  ];
  for (const p of profiles) {
    console.log(`\n${p.title}, top self time, % of busy samples (${p.file}):`);
    for (const f of p.top) {
      console.log(`${f.selfPercent.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
    }
  }
  console.log(`\nreports: ${jsonFile}\n         ${htmlFile}`);
})().catch((error: unknown) => {
  console.error(`\nbench failed: ${(error as Error)?.stack ?? error}`);
  process.exit(1);
});

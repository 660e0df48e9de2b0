import type { ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { summarizeLatencies } from "../bot/summary";
import type { BenchPayload } from "../bot/DisplayStats";
import { botToken } from "../bot/token";
import { wallClockMs } from "../bot/wallClock";
import type { ColocatedMatch, DisplayFigures, DisplayNodeRun, DisplayRun } from "./displayFigures";
import { joinedAtShare, type DisplayFleetConfig, type DisplayGroup, type DisplayGroupResult, type FromDisplayFleet, type ToDisplayFleet } from "./displayFleetProtocol";
import { inspectFlag } from "./inspector";
import { lobbiesPerNode } from "./lobbies";
import { memoryAfterGc } from "./serverMemory";
import { mainThreadProfile } from "./profileSummary";
import { nextMessage } from "./ipc";
import { forkWithIpc, sleep, startRedis, startServer, stopLoadProcesses, stopProcess, waitForHealthy } from "./processes";
import { cpuPercent, machinePercent, sampleMachine, sampleProcess } from "./procStats";
import { Buckets, bucketsBetween, histogramBuckets, histogramQuantile, scrapeMetrics, sumBuckets } from "./promText";
import { split } from "./spread";
import { arenaEnv } from "./targets";
import type { CpuPlacement } from "./cpuPlacement";
import type { FleetConfig, FromFleet, ToFleet } from "./fleetProtocol";

/**
 * The display scenario's servers: Arena and the ws peer over Redis (one node, or several on Redis), the ws Map peer,
 * the same with a 60 Hz loop, and stock Colyseus's LobbyRoom (one node).
 */
export interface DisplayTarget {
  id: "arena" | "peer" | "peer-ticks" | "peer-nodes" | "stock-lobby";
  label: string;
}

export const DISPLAY_TARGETS: readonly DisplayTarget[] = [
  { id: "arena", label: "Arena" },
  { id: "peer", label: "ws Map peer" },
  // The peer with a 60 Hz loop that does nothing and deliveries in Arena's turns: the floor under the co-located match's ticks.
  { id: "peer-ticks", label: "ws Map peer, 60 Hz loop" },
  // Colyseus's own LobbyRoom and client machinery, one node: what a display costs any Colyseus server.
  { id: "stock-lobby", label: "stock Colyseus LobbyRoom" },
  // With --nodes 2+: the same peer as that many processes over Redis, what the fan-out floor is for a scaled-out node set here.
  { id: "peer-nodes", label: "ws peer over Redis" },
];

export interface DisplayOptions {
  displays: number;
  /** Measured publishes, one a second. */
  publishes: number;
  /** Arena nodes (2+: Redis presence and driver); the peer is always one process. */
  nodes: number;
  /** One port per node, and one inspector port per node. */
  ports: number[];
  inspectPorts: number[];
  redisPort: number;
  /** Display bot processes. */
  fleets: number;
  /** Run each server under --cpu-prof (profiles land in runDir/profile-displays-<target>-<node>). */
  cpuProfile: boolean;
  /** Arena: a live 6v6 match of bots on every node while the publishes go out (its tick interval is reported). */
  colocatedMatch: boolean;
  /** Servers on `server`, bot processes on `load` (as in the match scenario); undefined: every CPU for all. */
  placement?: CpuPlacement;
  runDir: string;
  secret: string;
  onProgress(line: string): void;
}

export const CHANNEL = "program-5";
/** Filler for each message: a few hundred bytes, like a slide's description. */
const BODY = "<section><h1>Today</h1><p>" + "Doors open at 10:00, talks in hall B, lunch at 12:30. ".repeat(4) + "</p></section>";
const JOINS_IN_FLIGHT = 50;
/** Displays that join and leave on each node before the memory readings. */
const WARMUP_DISPLAYS = 50;
/**
 * Memory is read with this share of the displays joined and again with all: what the rest add is the cost
 * of a display, without what the first ones cost once (compiled code, caches, pools).
 */
const FIRST_SHARE = 0.5;

interface ServerNode {
  name: string;
  port: number;
  inspectPort: number;
  child: ChildProcess;
  displays: number;
  roomId?: string;
  pid: number;
}

const nodeName = (i: number) => `node ${String.fromCharCode(65 + i)}`;

/** Players in the co-located match: one 6v6. */
const MATCH_BOTS = 12;
/**
 * The co-located match's bots yield the load CPUs to the display bots: the targets without a match
 * have no such process beside their displays, and the match's service level is read at the server.
 */
const MATCH_BOTS_NICENESS = 10;
/** Time the co-located match is given to start (its room, the bots' joins, its code warming) before the quiet window. */
const MATCH_SETTLE_MS = 3000;

/** The ticking peer's loop rate, a match's. */
const PEER_TICK_HZ = "60";

async function tickIntervalBuckets(node: ServerNode, secret: string, type: string) {
  return histogramBuckets(await scrapeMetrics(node.port, secret), "arena_tick_interval_seconds", { type });
}

/**
 * One 6v6 match of bots per node, started node by node so that placement puts
 * each on its own node (the least loaded), in the same bot process type as the match scenario.
 */
async function startColocatedMatches(nodes: ServerNode[], options: DisplayOptions): Promise<ChildProcess[]> {
  const fleets: ChildProcess[] = [];
  for (const [i, node] of nodes.entries()) {
    const config: FleetConfig = { protocol: "arena", endpoints: [`ws://127.0.0.1:${node.port}`], bots: MATCH_BOTS, secret: options.secret, fireMode: "bursts" };
    const fleet = await forkWithIpc("loadtest/bench/fleet.ts", [JSON.stringify(config)], path.join(options.runDir, `displays-match-bots-${i + 1}.log`), options.placement?.load, MATCH_BOTS_NICENESS);
    fleets.push(fleet);
    await nextMessage<FromFleet, "connected">(fleet, "connected", 60_000);
    fleet.send({ type: "measure" } satisfies ToFleet);
  }
  return fleets;
}

async function serverFanoutBuckets(nodes: ServerNode[], secret: string) {
  const all = await Promise.all(nodes.map(async (n) => histogramBuckets(await scrapeMetrics(n.port, secret), "arena_fanout_latency_seconds")));
  return sumBuckets(all);
}

/** Whether the target runs on `--nodes` processes (Arena, the peer over Redis) or on one. */
export const onNodes = (target: DisplayTarget) => target.id === "arena" || target.id === "peer-nodes";

/**
 * The display scenario against one target: N displays on one channel, split
 * across the nodes; memory per idle display from readings after a GC with half and with all of them joined; then one
 * publish over HTTP on the first node every second, each display recording
 * when each broadcast reached it.
 */
export async function runDisplayTarget(target: DisplayTarget, options: DisplayOptions): Promise<DisplayRun> {
  const progress = (what: string) => options.onProgress(`[displays: ${target.label}] ${what}`);
  const nodeCount = onNodes(target) ? options.nodes : 1;
  const colyseus = target.id === "arena" || target.id === "stock-lobby";
  const shares = split(options.displays, nodeCount);
  const children: ChildProcess[] = [];
  const fleets: ChildProcess[] = [];
  let matchFleets: ChildProcess[] = [];
  const profileDir = (node: number) => path.join(options.runDir, `profile-displays-${target.id}-${node + 1}`);
  let run: DisplayRun;
  try {
    progress(nodeCount > 1 ? `starting redis-server and ${nodeCount} nodes` : "starting server");
    const redisUrl = nodeCount > 1 ? `redis://127.0.0.1:${options.redisPort}` : undefined;
    if (redisUrl) children.push(await startRedis(options.redisPort, path.join(options.runDir, "displays-redis.log")));
    const nodes: ServerNode[] = await Promise.all(shares.map(async (displays, i) => {
      const port = options.ports[i];
      // The scenario puts every display of a node in that node's one lobby, so the lobby's cap
      // (ARENA_LOBBY_MAX_CLIENTS, 500 by default) is raised to the node's share and the warm-up.
      const lobbyCap = { ARENA_LOBBY_MAX_CLIENTS: String(displays + WARMUP_DISPLAYS) };
      const env = target.id === "arena"
        ? { ...arenaEnv(options.secret), ...lobbyCap, PORT: String(port), ...(redisUrl ? { REDIS_URL: redisUrl, ARENA_PUBLIC_ADDRESS: `127.0.0.1:${port}` } : {}) }
        : { PORT: String(port), ...(redisUrl ? { REDIS_URL: redisUrl } : {}), ...(target.id === "peer-ticks" ? { PEER_TICK_HZ } : {}) };
      const entry = target.id === "arena" ? "main.ts" : target.id === "stock-lobby" ? "loadtest/peers/stock/server.ts" : "loadtest/peers/signage/server.ts";
      const log = path.join(options.runDir, `displays-${target.id}${nodeCount > 1 ? `-${i + 1}` : ""}.log`);
      const profile = options.cpuProfile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir(i)}`] : [];
      const child = await startServer(entry, env, log, { nodeFlags: [inspectFlag(options.inspectPorts[i]), ...profile], cpus: options.placement?.server });
      children.push(child);
      return { name: nodeCount > 1 ? nodeName(i) : target.label, port, inspectPort: options.inspectPorts[i], child, pid: child.pid!, displays };
    }));
    await Promise.all(nodes.map((n) => waitForHealthy(`http://127.0.0.1:${n.port}/healthz`, n.child)));
    if (colyseus) await lobbiesPerNode(nodes, options.secret);

    // Each fleet process gets its share of every node's displays.
    const perFleet = nodes.map((n) => split(n.displays, options.fleets));
    let firstIndex = 0;
    const connected = new Array<number>(options.fleets).fill(0);
    const receipts = new Array<number>(options.fleets).fill(0);
    for (let f = 0; f < options.fleets; f++) {
      const groups: DisplayGroup[] = nodes.map((n, i) => ({ node: n.name, endpoint: `ws://127.0.0.1:${n.port}`, roomId: n.roomId, count: perFleet[i][f] }));
      const config: DisplayFleetConfig = {
        protocol: colyseus ? "colyseus" : "ws",
        secret: colyseus ? options.secret : undefined,
        channel: CHANNEL,
        groups,
        firstIndex,
        concurrency: JOINS_IN_FLIGHT,
        warmup: f === 0 ? WARMUP_DISPLAYS : 0,
      };
      firstIndex += groups.reduce((n, g) => n + g.count, 0);
      const fleet = await forkWithIpc("loadtest/bench/displayFleet.ts", [JSON.stringify(config)], path.join(options.runDir, `displays-${target.id}-bots-${f + 1}.log`), options.placement?.load);
      fleet.on("message", (m: FromDisplayFleet) => {
        if (m.type !== "progress") return;
        connected[f] = m.connected;
        receipts[f] = m.receipts;
      });
      fleets.push(fleet);
    }
    await Promise.all(fleets.map((fleet) => nextMessage<FromDisplayFleet, "warmed">(fleet, "warmed", 60_000)));
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    /** Joins up to `share` of the displays; the slowest fleet's seconds. */
    const connect = async (share: number): Promise<number> => {
      for (const fleet of fleets) fleet.send({ type: "connect", share } satisfies ToDisplayFleet);
      const ticker = setInterval(() => progress(`connecting displays: ${sum(connected)}/${options.displays}`), 1000);
      try {
        const done = await Promise.all(fleets.map((fleet) => nextMessage<FromDisplayFleet, "connected">(fleet, "connected", 60_000 + 50 * options.displays)));
        return Math.max(...done.map((m) => m.seconds));
      } finally {
        clearInterval(ticker);
      }
    };
    const firstSeconds = await connect(FIRST_SHARE);
    const first = await memoryAfterGc(nodes);
    const connectSeconds = firstSeconds + (await connect(1));
    progress(`${options.displays} displays connected in ${connectSeconds.toFixed(1)} s; measuring RSS after GC`);
    await sleep(1000);
    const loaded = await memoryAfterGc(nodes);
    /** Displays node `i` took after the first reading: the ones its memory growth since then is divided by. */
    const rest = (i: number) => nodes[i].displays - sum(perFleet[i].map((count) => joinedAtShare(count, FIRST_SHARE)));

    const withMatch = target.id === "arena" && options.colocatedMatch;
    /** The loop whose wakes are read beside the publishes, by its `type` label: Arena's co-located match, the ticking peer's empty loop. */
    const ticking = withMatch ? "match" : target.id === "peer-ticks" ? "timer" : undefined;
    if (withMatch) {
      progress(`starting a 6v6 match of bots on each node`);
      matchFleets = await startColocatedMatches(nodes, options);
    }
    // As long a window without publishes before them, and again after them: what the servers cost with
    // the displays (and the match) alone, so that the publishes' own CPU and their effect on the match's
    // ticks can be told apart. The mean of the two rates cancels a drift across the run.
    if (withMatch) await sleep(MATCH_SETTLE_MS);
    progress(`measuring ${options.publishes} s without publishes`);
    const quietBefore = await quietWindow(nodes, fleets, options, ticking);

    const publishUrl = `http://127.0.0.1:${nodes[0].port}/api/channels/${CHANNEL}/messages`;
    const operator = target.id === "arena" ? await botToken(options.secret, "operator", "bench-operator") : "";
    const publish = async (n: number): Promise<number> => {
      const sentAt = wallClockMs();
      const res = await fetch(publishUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${operator}` },
        body: JSON.stringify({ payload: { n, sentAt, body: BODY } satisfies BenchPayload }),
      });
      if (res.status !== 201) throw new Error(`publish ${n} refused: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      return wallClockMs() - sentAt;
    };
    // Warm-up: the first publish opens the HTTP connection and runs the paths cold; it is not measured.
    await publish(0);
    await sleep(1000);

    const expected = options.displays * options.publishes;
    const fanoutBefore = await serverFanoutBuckets(nodes, options.secret);
    const ticksBefore = ticking ? await Promise.all(nodes.map((n) => tickIntervalBuckets(n, options.secret, ticking))) : [];
    const startServers = nodes.map((n) => sampleProcess(n.child.pid!));
    const startFleets = fleets.map((f) => sampleProcess(f.pid!));
    const startMachine = sampleMachine();
    const responseMs: number[] = [];
    const windowStart = performance.now();
    for (let n = 1; n <= options.publishes; n++) {
      await sleep(Math.max(0, windowStart + (n - 1) * 1000 - performance.now()));
      responseMs.push(await publish(n));
      progress(`publish ${n}/${options.publishes}: ${sum(receipts)}/${expected} receipts`);
    }
    // Every broadcast should have arrived within the second after the last publish; give stragglers 10 s.
    const deadline = performance.now() + 10_000;
    await sleep(1000);
    while (sum(receipts) < expected && performance.now() < deadline) await sleep(250);
    const endServers = nodes.map((n) => sampleProcess(n.child.pid!));
    const endFleets = fleets.map((f) => sampleProcess(f.pid!));
    const endMachine = sampleMachine();
    const fanoutAfter = await serverFanoutBuckets(nodes, options.secret);
    const ticksAfter = ticking ? await Promise.all(nodes.map((n) => tickIntervalBuckets(n, options.secret, ticking))) : [];
    progress(`measuring ${options.publishes} s without publishes, after them`);
    await sleep(1000);
    const quietAfter = await quietWindow(nodes, fleets, options, undefined);
    const matchResults = await Promise.all(matchFleets.map(async (fleet) => {
      const reply = nextMessage<FromFleet, "result">(fleet, "result", 30_000);
      fleet.send({ type: "report" } satisfies ToFleet);
      return (await reply).result;
    }));
    const windowSeconds = (endServers[0].at - startServers[0].at) / 1000;

    const results = await Promise.all(fleets.map(async (fleet) => {
      const reply = nextMessage<FromDisplayFleet, "result">(fleet, "result", 30_000);
      fleet.send({ type: "report" } satisfies ToDisplayFleet);
      return (await reply).groups;
    }));
    const byNode = (name: string): DisplayGroupResult[] => results.flat().filter((g) => g.node === name);

    const nodeRuns: DisplayNodeRun[] = nodes.map((n, i) => {
      const latencies = byNode(n.name).flatMap((g) => g.latenciesMs.flat());
      return {
        node: n.name + (nodeCount > 1 && i === 0 ? " (publish)" : ""),
        displays: n.displays,
        fanout: { ...summarizeLatencies(latencies), max: Math.max(...latencies) },
        rssPerDisplayKB: (loaded[i].rssBytes - first[i].rssBytes) / 1024 / rest(i),
        heapPerDisplayKB: (loaded[i].heapBytes - first[i].heapBytes) / 1024 / rest(i),
        serverCpuPercent: cpuPercent(startServers[i], endServers[i]),
        ...(ticking ? {
          colocatedMatch: colocatedFigures(bucketsBetween(ticksBefore[i], ticksAfter[i]), windowSeconds, matchResults[i]?.disconnects ?? 0),
          quietMatch: colocatedFigures(quietBefore.ticks[i], quietBefore.seconds, 0),
        } : {}),
      };
    });
    const all = results.flat();
    const latencies = all.flatMap((g) => g.latenciesMs.flat());
    const lastReceiptMs = Array.from({ length: options.publishes }, (_, i) => Math.max(...all.flatMap((g) => g.latenciesMs[i] ?? [])));
    const serverCpu = sum(nodeRuns.map((n) => n.serverCpuPercent));
    const botCpu = sum(fleets.map((_, i) => cpuPercent(startFleets[i], endFleets[i])));
    const machine = machinePercent(startMachine, endMachine, os.cpus().length);
    const fanout = summarizeLatencies(latencies);
    const quietRate = (node: number) => (quietBefore.cpuSeconds[node] / quietBefore.seconds + quietAfter.cpuSeconds[node] / quietAfter.seconds) / 2;
    const quietFleetRate = (fleet: number) => (quietBefore.fleetCpuSeconds[fleet] / quietBefore.seconds + quietAfter.fleetCpuSeconds[fleet] / quietAfter.seconds) / 2;
    const figures: DisplayFigures = {
      fanoutP50Ms: fanout.p50,
      fanoutP99Ms: fanout.p99,
      fanoutMaxMs: Math.max(...latencies),
      fanoutLastP50Ms: summarizeLatencies(lastReceiptMs).p50,
      serverFanoutP99Ms: histogramQuantile(0.99, bucketsBetween(fanoutBefore, fanoutAfter)) * 1000,
      publishResponseP50Ms: summarizeLatencies(responseMs).p50,
      rssPerDisplayKB: (sum(loaded.map((m) => m.rssBytes)) - sum(first.map((m) => m.rssBytes))) / 1024 / sum(nodes.map((_, i) => rest(i))),
      heapPerDisplayKB: (sum(loaded.map((m) => m.heapBytes)) - sum(first.map((m) => m.heapBytes))) / 1024 / sum(nodes.map((_, i) => rest(i))),
      serverRssMB: sum(loaded.map((m) => m.rssBytes)) / 2 ** 20,
      serverCpuPercent: serverCpu,
      serverCpuPerPublishMs: (1000 * sum(nodes.map((_, i) => endServers[i].cpuSeconds - startServers[i].cpuSeconds - windowSeconds * quietRate(i)))) / options.publishes,
      connectSeconds,
      botCpuPercent: botCpu,
      botCpuPerPublishMs: (1000 * sum(fleets.map((_, i) => endFleets[i].cpuSeconds - startFleets[i].cpuSeconds - windowSeconds * quietFleetRate(i)))) / options.publishes,
      softirqCpuPercent: machine.softirq,
      otherCpuPercent: Math.max(0, machine.busy - machine.softirq - serverCpu - botCpu),
    };
    progress(`done: fan-out p50 ${figures.fanoutP50Ms.toFixed(1)} ms, p99 ${figures.fanoutP99Ms.toFixed(1)} ms`);
    run = {
      id: target.id,
      label: target.label,
      displays: options.displays,
      publishes: options.publishes,
      windowSeconds,
      figures,
      nodes: nodeRuns,
      fanout,
      lastReceiptMs,
      missing: expected - latencies.length,
      duplicates: sum(all.map((g) => g.duplicates)),
      disconnects: sum(all.map((g) => g.disconnects)),
    };
  } finally {
    await stopLoadProcesses([...matchFleets, ...fleets]);
    // Nodes first, Redis last.
    for (const child of children.slice().reverse()) await stopProcess(child);
  }
  // Profiles are written when the servers exit.
  if (options.cpuProfile) {
    run.profiles = run.nodes.flatMap((n, i) => {
      const profile = mainThreadProfile(profileDir(i));
      return profile ? [{ node: n.node, ...profile }] : [];
    });
  }
  return run;
}

/** A window as long as the publishes' without any: each node's CPU seconds and, given the loop's type, its ticks. */
async function quietWindow(nodes: ServerNode[], fleets: ChildProcess[], options: DisplayOptions, ticking: string | undefined) {
  const from = nodes.map((n) => sampleProcess(n.pid));
  const fleetsFrom = fleets.map((f) => sampleProcess(f.pid!));
  const ticksFrom = ticking ? await Promise.all(nodes.map((n) => tickIntervalBuckets(n, options.secret, ticking))) : [];
  await sleep(options.publishes * 1000);
  const to = nodes.map((n) => sampleProcess(n.pid));
  const fleetsTo = fleets.map((f) => sampleProcess(f.pid!));
  const ticks = ticking ? (await Promise.all(nodes.map((n) => tickIntervalBuckets(n, options.secret, ticking)))).map((after, i) => bucketsBetween(ticksFrom[i], after)) : [];
  return {
    seconds: (to[0].at - from[0].at) / 1000,
    cpuSeconds: nodes.map((_, i) => to[i].cpuSeconds - from[i].cpuSeconds),
    fleetCpuSeconds: fleets.map((_, i) => fleetsTo[i].cpuSeconds - fleetsFrom[i].cpuSeconds),
    ticks,
  };
}

/** The co-located match's service level over the window, from the node's tick interval histogram. */
function colocatedFigures(ticks: Buckets, windowSeconds: number, disconnects: number): ColocatedMatch {
  return {
    tickIntervalP99Ms: histogramQuantile(0.99, ticks) * 1000,
    ticksPerSecond: (ticks.at(-1)?.count ?? 0) / windowSeconds,
    disconnects,
  };
}

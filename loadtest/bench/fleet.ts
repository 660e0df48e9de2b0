/**
 * Child process of the benchmark: runs every bot of one target, so bot work is
 * not counted in the server's process. Config as JSON in argv[2]; driven over IPC.
 */
import type { Bot } from "../bot/Bot";
import { summarizeLatencies } from "../bot/summary";
import { botToken } from "../bot/token";
import { joinMatchBot } from "../bot/colyseusBot";
import { joinJsonBot } from "../peers/json/jsonBot";
import type { FleetConfig, FleetResult, FromFleet, ToFleet } from "./fleetProtocol";

const config = JSON.parse(process.argv[2]) as FleetConfig;
const bots: Bot[] = [];
let windowStart = 0;

const tell = (message: FromFleet) => process.send?.(message);

async function join(seed: number): Promise<Bot> {
  const endpoint = config.endpoints[seed % config.endpoints.length];
  if (config.protocol === "json") return joinJsonBot(endpoint, seed, config.fireMode);
  const token = config.secret ? await botToken(config.secret, "player", `bot-${seed}`) : undefined;
  return joinMatchBot(endpoint, "match", seed, {
    token, fireMode: config.fireMode, inputFrames: config.protocol !== "colyseus", inputsPerFrame: config.protocol === "arena-pairs" ? 2 : 1,
  });
}

/** Distinct rooms per node, from where each bot was placed. */
function matchesByNode(): Record<string, number> {
  const rooms = new Map<string, Set<string>>();
  for (const { placement } of bots) {
    if (!placement) continue;
    if (!rooms.has(placement.node)) rooms.set(placement.node, new Set());
    rooms.get(placement.node)!.add(placement.room);
  }
  return Object.fromEntries([...rooms].map(([node, ids]) => [node, ids.size]));
}

function result(): FleetResult {
  const all = bots.map((b) => b.stats);
  return {
    clients: bots.length,
    windowSeconds: (performance.now() - windowStart) / 1000,
    latency: summarizeLatencies(all.flatMap((s) => s.latenciesMs)),
    botMedians: all.map((s) => summarizeLatencies(s.latenciesMs).p50).sort((a, b) => a - b),
    states: all.reduce((n, s) => n + s.states, 0),
    bytes: all.reduce((n, s) => n + s.bytes, 0),
    errors: all.reduce((n, s) => n + s.errors, 0),
    disconnects: all.filter((s) => s.disconnected).length,
    matchesByNode: matchesByNode(),
  };
}

let progressFrom: number[] = [];
function progress(): void {
  const fresh = bots.flatMap((b, i) => b.stats.latenciesMs.slice(progressFrom[i] ?? 0));
  progressFrom = bots.map((b) => b.stats.latenciesMs.length);
  const p50 = summarizeLatencies(fresh).p50;
  tell({ type: "progress", connected: bots.filter((b) => !b.stats.disconnected).length, latencyP50: Number.isFinite(p50) ? p50 : null });
}

process.on("message", async (message: ToFleet) => {
  if (message.type === "measure") {
    for (const bot of bots) bot.stats.reset();
    progressFrom = [];
    windowStart = performance.now();
  } else if (message.type === "report") {
    tell({ type: "result", result: result() });
  } else if (message.type === "stop") {
    await Promise.race([Promise.all(bots.map((b) => b.stop())), new Promise((r) => setTimeout(r, 2000))]);
    process.exit(0);
  }
});

(async () => {
  // One at a time, so the server fills each match with 12 before opening the next.
  for (let i = 0; i < config.bots; i++) bots.push(await join(i + 1));
  tell({ type: "connected", bots: bots.length });
  setInterval(progress, 1000);
})().catch((error: unknown) => {
  tell({ type: "failed", error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});

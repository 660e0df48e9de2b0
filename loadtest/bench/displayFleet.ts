/**
 * Child process of the benchmark's display scenario: connects its share of the
 * displays (colyseus.js to a lobby, Arena's or stock Colyseus's, or `ws` to the signage peer) and records each broadcast's
 * arrival. Config as JSON in argv[2]; driven over IPC.
 */
import { DisplayBot, DisplayStats } from "../bot/DisplayStats";
import { botToken } from "../bot/token";
import { joinDisplayBot } from "../displayBot";
import { joinPeerDisplay } from "../peers/signage/displayBot";
import { inFlight } from "./spread";
import { joinedAtShare, type DisplayFleetConfig, type DisplayGroup, type FromDisplayFleet, type ToDisplayFleet } from "./displayFleetProtocol";

const config = JSON.parse(process.argv[2]) as DisplayFleetConfig;
const bots: DisplayBot[] = [];
const stats = config.groups.map(() => new DisplayStats());
const tell = (message: FromDisplayFleet) => process.send?.(message);

async function join(group: DisplayGroup, groupStats: DisplayStats, index: number): Promise<DisplayBot> {
  if (config.protocol === "ws") return joinPeerDisplay(group.endpoint, config.channel, groupStats);
  const token = await botToken(config.secret!, "display", `display-${index}`);
  return joinDisplayBot(group.endpoint, group.roomId!, config.channel, token, groupStats);
}

/** Joins `count` displays of `group` into `into`, with at most `concurrency` joins in flight. */
async function joinGroup(group: DisplayGroup, count: number, groupStats: DisplayStats, firstIndex: number, into: DisplayBot[]): Promise<void> {
  await inFlight(count, config.concurrency, async (i) => void into.push(await join(group, groupStats, firstIndex + i)));
}

/** Displays joined so far, per group. */
const joined = config.groups.map(() => 0);

/** Joins each group's displays up to `share` of its count, after those joined before. */
async function connect(share: number): Promise<void> {
  const started = performance.now();
  for (const [i, group] of config.groups.entries()) {
    const count = joinedAtShare(group.count, share) - joined[i];
    const firstIndex = config.firstIndex + config.groups.slice(0, i).reduce((n, g) => n + g.count, 0) + joined[i];
    await joinGroup(group, count, stats[i], firstIndex, bots);
    joined[i] += count;
  }
  tell({ type: "connected", displays: bots.length, seconds: (performance.now() - started) / 1000 });
}

/** Warm-up displays exercise each node's join path first, so that compiled code and pools are made before any reading. */
async function warmUp(): Promise<void> {
  for (const [i, group] of config.groups.entries()) {
    const warm: DisplayBot[] = [];
    await joinGroup(group, config.warmup, new DisplayStats(), -config.warmup * (i + 1), warm);
    await Promise.all(warm.map((b) => b.close()));
  }
  tell({ type: "warmed" });
  setInterval(() => tell({ type: "progress", connected: bots.length, receipts: receipts() }), 250);
}

const receipts = () => stats.reduce((n, s) => n + s.receipts, 0);

/** The warm-up, then each `connect`, one after another; a failed join fails the fleet. */
let joining = Promise.resolve();
const next = (step: () => Promise<void>) => {
  joining = joining.then(step);
  joining.catch((error: unknown) => {
    tell({ type: "failed", error: String((error as Error)?.stack ?? error) });
    process.exit(1);
  });
};
next(warmUp);

process.on("message", async (message: ToDisplayFleet) => {
  if (message.type === "connect") {
    next(() => connect(message.share));
  } else if (message.type === "report") {
    tell({
      type: "result",
      groups: config.groups.map((g, i) => ({
        // Dense: a publish no display of the group got is an empty list, not a hole.
        node: g.node, displays: g.count, latenciesMs: Array.from(stats[i].latenciesMs, (l) => l ?? []), duplicates: stats[i].duplicates, disconnects: stats[i].disconnects,
      })),
    });
  } else if (message.type === "stop") {
    await Promise.race([Promise.all(bots.map((b) => b.close().catch(() => {}))), new Promise((r) => setTimeout(r, 3000))]);
    process.exit(0);
  }
});

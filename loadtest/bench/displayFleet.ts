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
import type { DisplayFleetConfig, DisplayGroup, FromDisplayFleet, ToDisplayFleet } from "./displayFleetProtocol";

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

/** The harness's `connect`, once. */
const connectAsked = new Promise<void>((resolve) => {
  process.on("message", (message: ToDisplayFleet) => {
    if (message.type === "connect") resolve();
  });
});

const receipts = () => stats.reduce((n, s) => n + s.receipts, 0);

process.on("message", async (message: ToDisplayFleet) => {
  if (message.type === "report") {
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

(async () => {
  // Warm-up displays exercise the join path once, so one-time allocations (compiled code, pools) are not charged to the displays.
  const warm: DisplayBot[] = [];
  await joinGroup(config.groups[0], config.warmup, new DisplayStats(), -config.warmup, warm);
  await Promise.all(warm.map((b) => b.close()));
  tell({ type: "warmed" });
  await connectAsked;
  const progress = setInterval(() => tell({ type: "progress", connected: bots.length, receipts: receipts() }), 250);
  const started = performance.now();
  let index = config.firstIndex;
  for (const [i, group] of config.groups.entries()) {
    await joinGroup(group, group.count, stats[i], index, bots);
    index += group.count;
  }
  tell({ type: "connected", displays: bots.length, seconds: (performance.now() - started) / 1000 });
  progress.refresh();
})().catch((error: unknown) => {
  tell({ type: "failed", error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});

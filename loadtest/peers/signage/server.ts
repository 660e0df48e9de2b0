/**
 * Benchmark peer for the display scenario, the seed systems' signage pattern: a
 * plain `ws` server keeping a Map of sockets per channel, and an HTTP endpoint
 * (`POST /api/channels/:channel/messages` with `{payload}`, as on Arena) that
 * JSON-encodes the message once and sends it to every socket of the channel.
 * No auth, no signature, no backlog or retained message: the least a fan-out
 * can do. /healthz and /metrics as on Arena (publish -> socket hand-off in the
 * same histogram as Arena's).
 *
 * With REDIS_URL it is one of several nodes, the least a scaled-out fan-out
 * does: a publish is numbered with INCR and sent with PUBLISH, and every node
 * (this one too) writes it to its own sockets from its subscription.
 *
 * With PEER_TICK_HZ it also runs a loop at that rate that does nothing but
 * record its wakes (`arena_tick_interval_seconds{type="timer"}`), on the same
 * FixedStepLoop as Arena's matches, and writes each message in Arena's delivery
 * turns (rooms/fanout/DeliveryTurns.ts), which end before the loop's next wake:
 * the least a server does that keeps a 60 Hz loop while it writes to thousands
 * of sockets, so the floor under Arena's co-located match.
 */
import http from "node:http";
import { Redis } from "ioredis";
import { WebSocket, WebSocketServer } from "ws";
import { DeliveryTurns, type DeliveryWork } from "../../../rooms/fanout/DeliveryTurns";
import { ArenaMetrics, TickRecorder } from "../../../server/metrics";
import { FixedStepLoop } from "../../../server/runtime/FixedStepLoop";
import { StepCalendar } from "../../../server/runtime/StepCalendar";
import type { PeerBroadcast } from "./protocol";
import { readBody } from "../readBody";

const metrics = new ArenaMetrics();

const channels = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();
const PUBLISH = /^\/api\/channels\/([a-z0-9][a-z0-9._-]{0,63})\/messages$/;

/** Delivery turns beside a loop of PEER_TICK_HZ wakes a second; without it, every write at once. */
const turns = startTicking(Number(process.env.PEER_TICK_HZ ?? 0));

function startTicking(hz: number): DeliveryTurns | undefined {
  if (!(hz > 0)) return undefined;
  const calendar = new StepCalendar();
  const ticks = new TickRecorder(metrics, "timer", 1 / hz);
  new FixedStepLoop({
    stepSeconds: 1 / hz,
    maxCatchUpSteps: 4,
    step: () => {},
    afterSteps: (steps, workStartMs, sinceLastWakeMs) => ticks.record(steps, performance.now() - workStartMs, sinceLastWakeMs),
    onError: (error) => { throw error; },
    calendar,
  }).start();
  return new DeliveryTurns(calendar);
}

/** One frame to every local socket of the channel, `budget` at a time; `publishedAt` is when the publish's body was read. */
function delivery(sockets: Iterator<WebSocket>, frame: string, publishedAt: number): DeliveryWork {
  return {
    deliver(budget) {
      for (let used = 0; used < budget; used++) {
        const next = sockets.next();
        if (next.done) return { used, done: true };
        next.value.send(frame);
        metrics.fanoutLatency.labels("signage").observe((Date.now() - publishedAt) / 1000);
      }
      return { used: budget, done: false };
    },
  };
}

function deliver(channel: string, frame: string, publishedAt: number): void {
  const work = delivery((channels.get(channel) ?? new Set<WebSocket>()).values(), frame, publishedAt);
  if (turns) turns.request(work);
  else work.deliver(Infinity);
}

const frameOf = (channel: string, seq: number, payload: unknown) => JSON.stringify({ type: "broadcast", channel, seq, payload } satisfies PeerBroadcast);
const TOPIC = "peer-signage";

/** Numbers and sends one message: here, or through Redis to every node. */
const publish = process.env.REDIS_URL ? publishThroughRedis(process.env.REDIS_URL) : publishHere;

async function publishHere(channel: string, payload: unknown): Promise<number> {
  const publishedAt = Date.now();
  const seq = (seqs.get(channel) ?? 0) + 1;
  seqs.set(channel, seq);
  deliver(channel, frameOf(channel, seq, payload), publishedAt);
  return seq;
}

function publishThroughRedis(url: string) {
  const commands = new Redis(url);
  const subscriber = new Redis(url);
  void subscriber.subscribe(TOPIC);
  subscriber.on("message", (_topic: string, text: string) => {
    const { channel, frame, publishedAt } = JSON.parse(text) as { channel: string; frame: string; publishedAt: number };
    deliver(channel, frame, publishedAt);
  });
  return async (channel: string, payload: unknown): Promise<number> => {
    const publishedAt = Date.now();
    const seq = await commands.incr(`peer-seq:${channel}`);
    await commands.publish(TOPIC, JSON.stringify({ channel, frame: frameOf(channel, seq, payload), publishedAt }));
    return seq;
  };
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://peer");
  const target = PUBLISH.exec(url.pathname);
  if (req.method === "POST" && target) {
    const { payload } = JSON.parse(await readBody(req)) as { payload: unknown };
    const seq = await publish(target[1], payload);
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ channel: target[1], seq }));
  } else if (url.pathname === "/healthz") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true }));
  } else if (url.pathname === "/metrics") {
    res.setHeader("content-type", metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  } else {
    res.statusCode = 404;
    res.end();
  }
});

new WebSocketServer({ server }).on("connection", (socket, req) => {
  const wanted = new URL(req.url ?? "/", "http://peer").searchParams.get("channels")?.split(",") ?? [];
  for (const channel of wanted) {
    let set = channels.get(channel);
    if (!set) channels.set(channel, (set = new Set()));
    set.add(socket);
  }
  socket.on("close", () => {
    for (const channel of wanted) channels.get(channel)?.delete(socket);
  });
});
server.listen(Number(process.env.PORT ?? 2567), "127.0.0.1");

process.once("SIGTERM", () => process.exit(0));

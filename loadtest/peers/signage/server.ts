/**
 * Benchmark peer for the display scenario, the seed systems' signage pattern: a
 * plain `ws` server keeping a Map of sockets per channel, and an HTTP endpoint
 * (`POST /api/channels/:channel/messages` with `{payload}`, as on Arena) that
 * JSON-encodes the message once and sends it to every socket of the channel.
 * No auth, no signature, no backlog or retained message: the least a fan-out
 * can do. /healthz and /metrics as on Arena (publish -> socket hand-off in the
 * same histogram as Arena's).
 */
import http from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { ArenaMetrics } from "../../../server/metrics";
import type { PeerBroadcast } from "./protocol";
import { readBody } from "../readBody";

const metrics = new ArenaMetrics();

const channels = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();
const PUBLISH = /^\/api\/channels\/([a-z0-9][a-z0-9._-]{0,63})\/messages$/;

function publish(channel: string, payload: unknown): number {
  const publishedAt = Date.now();
  const seq = (seqs.get(channel) ?? 0) + 1;
  seqs.set(channel, seq);
  const frame = JSON.stringify({ type: "broadcast", channel, seq, payload } satisfies PeerBroadcast);
  for (const socket of channels.get(channel) ?? []) {
    socket.send(frame);
    metrics.fanoutLatency.labels("signage").observe((Date.now() - publishedAt) / 1000);
  }
  return seq;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://peer");
  const target = PUBLISH.exec(url.pathname);
  if (req.method === "POST" && target) {
    const { payload } = JSON.parse(await readBody(req)) as { payload: unknown };
    const seq = publish(target[1], payload);
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

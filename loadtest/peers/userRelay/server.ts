/**
 * The floor of the user channel scenario: plain node `http` and `ws`, a Map of
 * sockets per user (each device connects with `?user=<sub>`), and
 * `POST /api/users/:sub/messages {payload}` (as on Arena) that JSON-encodes the
 * message once (with `ts`, its `Date.now()`, as Arena's messages have), writes
 * it to every socket of that user and answers 201 `{seq}`, and
 * `POST /api/users/messages {messages: [{sub, payload}]}` doing that for each
 * in order and answering 201 `{results: [{seq}]}`.
 * No auth, no numbering store, no backlog, no dedupe: the least a relay can do,
 * to show what one core costs before any of Arena's guarantees
 * (loadtest/userRelayFloor.ts). /healthz as on Arena.
 */
import http from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { readBody } from "../readBody";

const devices = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();
const PUSH = /^\/api\/users\/([^/]{1,128})\/messages$/;

function relay(sub: string, payload: unknown): { seq: number } {
  const seq = (seqs.get(sub) ?? 0) + 1;
  seqs.set(sub, seq);
  const frame = JSON.stringify({ type: "user", seq, ts: Date.now(), payload });
  for (const socket of devices.get(sub) ?? []) socket.send(frame);
  return { seq };
}

const server = http.createServer(async (req, res) => {
  const target = req.method === "POST" ? PUSH.exec(req.url ?? "") : null;
  const answer = (body: unknown) => {
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (target) {
    const { payload } = JSON.parse(await readBody(req)) as { payload: unknown };
    answer(relay(decodeURIComponent(target[1]), payload));
  } else if (req.method === "POST" && req.url === "/api/users/messages") {
    const { messages } = JSON.parse(await readBody(req)) as { messages: { sub: string; payload: unknown }[] };
    answer({ results: messages.map(({ sub, payload }) => relay(sub, payload)) });
  } else if (req.url === "/healthz") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true }));
  } else {
    res.statusCode = 404;
    res.end();
  }
});

new WebSocketServer({ server }).on("connection", (socket, req) => {
  const sub = new URL(req.url ?? "/", "http://floor").searchParams.get("user") ?? "";
  let set = devices.get(sub);
  if (!set) devices.set(sub, (set = new Set()));
  set.add(socket);
  socket.on("close", () => devices.get(sub)?.delete(socket));
});
server.listen(Number(process.env.PORT ?? 2567), "127.0.0.1");

process.once("SIGTERM", () => process.exit(0));

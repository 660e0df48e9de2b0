/**
 * Benchmark peer "JSON broadcast": a plain `ws` server running Arena's rules on
 * setInterval(1000/60) and sending JSON.stringify(full state) to every player
 * each tick, as the seed systems do. Players are seated 12 to a match in
 * arrival order. /healthz and /metrics as on Arena.
 */
import http from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { Simulation } from "../../../rooms/match/Simulation";
import { TEAM_SIZE, TICK_SECONDS } from "../../../rooms/match/rules";
import { ArenaMetrics, TickRecorder } from "../../../server/metrics";
import type { JsonClientMessage, JsonMatchState, JsonServerMessage } from "./protocol";

const metrics = new ArenaMetrics();
const ticks = new TickRecorder(metrics, "match", TICK_SECONDS);

class JsonMatch {
  readonly sim = new Simulation({ inputQueueSize: Infinity });
  readonly sockets = new Map<string, WebSocket>();
  private lastWake = performance.now();
  private readonly timer = setInterval(() => this.tick(), 1000 / 60);

  get full(): boolean {
    return this.sockets.size >= TEAM_SIZE * 2;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const start = performance.now();
    this.sim.step(TICK_SECONDS);
    this.sim.drainEvents();
    const frame = JSON.stringify({ type: "state", state: this.fullState() } satisfies JsonServerMessage);
    for (const socket of this.sockets.values()) socket.send(frame);
    ticks.record(1, performance.now() - start, start - this.lastWake);
    this.lastWake = start;
  }

  private fullState(): JsonMatchState {
    const players: JsonMatchState["players"] = {};
    for (const p of this.sim.players.values()) {
      players[p.id] = {
        name: p.name, team: p.team, x: p.x, y: p.y, angle: p.angle, hp: p.hp,
        ack: p.ack, connected: p.connected, kills: p.kills, deaths: p.deaths,
      };
    }
    const sim = this.sim;
    return {
      players, phase: sim.phase, redScore: sim.scores.red, blueScore: sim.scores.blue,
      timeLeft: Math.ceil(sim.phaseTimeLeft), winner: sim.winner,
    };
  }
}

const matches = new Set<JsonMatch>();
let nextId = 0;

function seat(socket: WebSocket): void {
  let match = [...matches].find((m) => !m.full);
  if (!match) {
    match = new JsonMatch();
    matches.add(match);
  }
  const id = `p${++nextId}`;
  match.sim.addPlayer(id, `player-${id}`);
  match.sockets.set(id, socket);
  socket.send(JSON.stringify({ type: "welcome", id } satisfies JsonServerMessage));

  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as JsonClientMessage;
    if (message.type !== "input") return;
    const result = match.sim.enqueueInput(id, message);
    if (result !== "queued") socket.send(JSON.stringify({ type: "error", code: result } satisfies JsonServerMessage));
  });
  socket.on("close", () => {
    match.sim.removePlayer(id);
    match.sockets.delete(id);
    if (match.sockets.size === 0) {
      match.stop();
      matches.delete(match);
    }
  });
}

const server = http.createServer(async (req, res) => {
  if (req.url === "/healthz") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true }));
  } else if (req.url === "/metrics") {
    res.setHeader("content-type", metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  } else {
    res.statusCode = 404;
    res.end();
  }
});
new WebSocketServer({ server }).on("connection", seat);
server.listen(Number(process.env.PORT ?? 2567), "127.0.0.1");

process.once("SIGTERM", () => {
  for (const match of matches) match.stop();
  process.exit(0);
});

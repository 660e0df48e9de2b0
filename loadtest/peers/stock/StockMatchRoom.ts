import { Client, Room } from "@colyseus/core";
import { Simulation } from "../../../rooms/match/Simulation";
import { TEAM_SIZE, TICK_SECONDS } from "../../../rooms/match/rules";
import type { PlayerInput } from "../../../schema/input";
import { ArenaMetrics, TickRecorder } from "../../../server/metrics";
import { StockMatchState, StockPlayerState } from "./StockMatchState";

interface TickAwaitingPatch {
  steps: number;
  workMs: number;
  sinceLastWakeMs: number;
}

/**
 * The match written the way the Colyseus docs and tutorial show a fixed tick:
 * setSimulationInterval at 1000/60 with an accumulator, patchRate 1000/60,
 * float32 fields, messages pushed into an unbounded queue without validation.
 * The rules are Arena's own (rooms/match/), so the game work is identical.
 * Only the timing around the tick and the patch is added, for the benchmark.
 */
export class StockMatchRoom extends Room<StockMatchState> {
  maxClients = TEAM_SIZE * 2;
  private readonly sim = new Simulation({ inputQueueSize: Infinity });
  private readonly fixedTimeStep = 1000 / 60;
  private elapsedTime = 0;
  private ticks!: TickRecorder;
  private lastWake = performance.now();
  private awaitingPatch: TickAwaitingPatch | undefined;

  /** `metrics`: the peer's own, handed over in the room definition's options. */
  onCreate({ metrics }: { metrics: ArenaMetrics }): void {
    this.ticks = new TickRecorder(metrics, "match", TICK_SECONDS);
    this.setState(new StockMatchState());
    this.setPatchRate(1000 / 60);
    this.onMessage("input", (client, input: PlayerInput) => {
      this.sim.enqueueInput(client.sessionId, input);
    });
    this.setSimulationInterval((deltaTime) => {
      const start = performance.now();
      this.elapsedTime += deltaTime;
      let steps = 0;
      while (this.elapsedTime >= this.fixedTimeStep) {
        this.elapsedTime -= this.fixedTimeStep;
        this.fixedTick();
        steps++;
      }
      if (steps > 0) this.tickRan(steps, start);
    }, 1000 / 60);
  }

  onJoin(client: Client): void {
    const player = this.sim.addPlayer(client.sessionId, `player-${client.sessionId.slice(0, 4)}`);
    if (!player) throw new Error("both teams are full");
    this.state.players.set(client.sessionId, new StockPlayerState());
    this.writeState();
  }

  onLeave(client: Client): void {
    this.sim.removePlayer(client.sessionId);
    this.state.players.delete(client.sessionId);
  }

  private fixedTick(): void {
    this.sim.step(TICK_SECONDS);
    this.sim.drainEvents();
    this.writeState();
  }

  private writeState(): void {
    const s = this.state;
    s.phase = this.sim.phase;
    s.timeLeft = Math.ceil(this.sim.phaseTimeLeft);
    s.redScore = this.sim.scores.red;
    s.blueScore = this.sim.scores.blue;
    s.winner = this.sim.winner;
    for (const p of this.sim.players.values()) {
      const view = s.players.get(p.id);
      if (!view) continue;
      view.name = p.name;
      view.team = p.team;
      view.x = p.x;
      view.y = p.y;
      view.angle = p.angle;
      view.hp = p.hp;
      view.ack = p.ack;
      view.connected = p.connected;
      view.kills = p.kills;
      view.deaths = p.deaths;
    }
  }

  // Measurement only. The patch runs on its own timer here, so a tick's work is
  // its simulation callback plus the patch that carries its changes.
  private tickRan(steps: number, start: number): void {
    if (this.awaitingPatch) this.record(this.awaitingPatch, 0);
    this.awaitingPatch = { steps, workMs: performance.now() - start, sinceLastWakeMs: start - this.lastWake };
    this.lastWake = start;
  }

  override broadcastPatch(): boolean {
    const start = performance.now();
    const changed = super.broadcastPatch();
    if (this.awaitingPatch) {
      this.record(this.awaitingPatch, performance.now() - start);
      this.awaitingPatch = undefined;
    }
    return changed;
  }

  private record(tick: TickAwaitingPatch, patchMs: number): void {
    this.ticks.record(tick.steps, tick.workMs + patchMs, tick.sinceLastWakeMs);
  }
}

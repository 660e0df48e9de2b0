import { Client, ServerError } from "@colyseus/core";
import { ArenaRoom } from "./ArenaRoom";
import { Simulation, PlayerSim } from "./match/Simulation";
import { TEAM_SIZE, TICK_SECONDS } from "./match/rules";
import { ANGLE_SCALE, MatchState, PlayerState, POSITION_SCALE } from "../schema/MatchState";
import { describeIssues, InputMessage, MatchJoinOptions, MatchMessageType } from "../schema/messages";
import { ErrorCode } from "../schema/codes";
import { FixedStepLoop } from "../server/FixedStepLoop";
import { inputsRejected, messagesIn, TickRecorder } from "../server/metrics";

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Adapter between Colyseus and the rules: validated messages become intents,
 * a drift-corrected loop steps the simulation at 60 Hz, and the patch goes out
 * right after each wake's steps (no separate patch timer).
 */
export class MatchRoom extends ArenaRoom<MatchState> {
  maxClients = TEAM_SIZE * 2;
  /** Fixed steps run since creation; public for tests and diagnostics. */
  simulationSteps = 0;
  private sim!: Simulation;
  private loop!: FixedStepLoop;
  private readonly inputsIn = messagesIn.labels("match", MatchMessageType.INPUT);
  private readonly ticks = new TickRecorder("match", TICK_SECONDS);

  onCreate(): void {
    this.setState(new MatchState());
    this.setPatchRate(null);
    this.sim = new Simulation({
      timings: {
        countdownSeconds: this.config.ARENA_COUNTDOWN_SECONDS,
        roundSeconds: this.config.ARENA_ROUND_SECONDS,
        endedSeconds: this.config.ARENA_ENDED_SECONDS,
        respawnSeconds: this.config.ARENA_RESPAWN_SECONDS,
      },
      inputQueueSize: this.config.ARENA_INPUT_QUEUE,
    });
    this.onMessage(MatchMessageType.INPUT, (client, message) => this.onInput(client, message));
    this.loop = new FixedStepLoop({
      stepSeconds: TICK_SECONDS,
      maxCatchUpSteps: this.config.ARENA_MAX_CATCHUP_STEPS,
      step: (dt) => {
        this.sim.step(dt);
        this.simulationSteps++;
      },
      afterSteps: (steps, workStartMs, sinceLastWakeMs) => {
        this.writeState();
        this.broadcastPatch();
        this.ticks.record(steps, performance.now() - workStartMs, sinceLastWakeMs);
      },
      onError: (error) => this.onUncaughtException(Object.assign(new Error("tick failed"), { cause: error }) as never, "setSimulationInterval"),
    });
    this.loop.start();
  }

  onJoin(client: Client, options: unknown): void {
    const parsed = MatchJoinOptions.safeParse(options ?? {});
    if (!parsed.success) throw new ServerError(400, `invalid join options: ${describeIssues(parsed.error)}`);
    const name = parsed.data.name ?? `player-${client.sessionId.slice(0, 4)}`;
    const player = this.sim.addPlayer(client.sessionId, name, parsed.data.team);
    if (!player) throw new ServerError(409, "both teams are full");
    const view = new PlayerState();
    view.name = name;
    this.state.players.set(client.sessionId, view);
    this.writePlayer(view, player);
  }

  onLeave(client: Client): void {
    this.sim.removePlayer(client.sessionId);
    this.state.players.delete(client.sessionId);
  }

  onDispose(): void {
    this.loop.stop();
  }

  private onInput(client: Client, message: unknown): void {
    this.inputsIn.inc();
    const parsed = InputMessage.safeParse(message);
    if (!parsed.success) {
      inputsRejected.labels("invalid").inc();
      return this.refuse(client, ErrorCode.INVALID_MESSAGE, `input refused: ${describeIssues(parsed.error)}`);
    }
    const m = parsed.data;
    const mx = clamp(m.mx, -1, 1);
    const my = clamp(m.my, -1, 1);
    if (mx !== m.mx || my !== m.my) inputsRejected.labels("clamped").inc();
    // Any finite angle is accepted and wrapped into (-π, π].
    const aim = Math.atan2(Math.sin(m.aim), Math.cos(m.aim));
    const result = this.sim.enqueueInput(client.sessionId, { seq: m.seq, mx, my, aim, fire: m.fire });
    if (result === "stale") {
      inputsRejected.labels("stale").inc();
      this.refuse(client, ErrorCode.STALE_INPUT, `input seq ${m.seq} is not newer than the last one`);
    } else if (result === "queue_full") {
      inputsRejected.labels("queue_full").inc();
      this.refuse(client, ErrorCode.INPUT_QUEUE_FULL, `more than ${this.sim.inputQueueSize} inputs waiting; send one per tick`);
    }
  }

  /** Copies the simulation into the schema; unchanged values cost nothing on the wire. */
  private writeState(): void {
    const s = this.state;
    s.phase = this.sim.phase;
    s.timeLeft = Math.ceil(this.sim.phaseTimeLeft);
    s.redScore = this.sim.scores.red;
    s.blueScore = this.sim.scores.blue;
    s.winner = this.sim.winner;
    for (const p of this.sim.players.values()) {
      const view = s.players.get(p.id);
      if (view) this.writePlayer(view, p);
    }
    // Events are drained every tick so they never pile up; the room has no use for them yet.
    this.sim.drainEvents();
  }

  private writePlayer(view: PlayerState, p: PlayerSim): void {
    view.team = p.team;
    view.x = Math.round(p.x * POSITION_SCALE);
    view.y = Math.round(p.y * POSITION_SCALE);
    view.angle = Math.round(p.angle * ANGLE_SCALE);
    view.hp = p.hp;
    view.ack = p.ack;
    view.connected = p.connected;
    view.kills = p.kills;
    view.deaths = p.deaths;
  }
}

import type { Phase, Team } from "../../schema/match";
import { ARENA, COMBAT, DEFAULT_REWIND_MS, DEFAULT_TIMINGS, MatchTimings, spawnPoint } from "./rules";
import { move } from "./movement";
import { rayCircle, rayObstacles } from "./geometry";
import { judgedTick, NOW, PositionTrail, ticksIn } from "./rewind";
import { overfullTeam, pickTeam, TeamCounts } from "./teams";
import type { PlayerInput } from "../../schema/input";

export interface PlayerSim {
  readonly id: string;
  name: string;
  team: Team;
  seat: number;
  x: number;
  y: number;
  angle: number;
  hp: number;
  /** Seq of the last input applied. */
  ack: number;
  /** Seq of the last input queued: later inputs must be newer. */
  lastQueuedSeq: number;
  connected: boolean;
  cooldown: number;
  ammo: number;
  /** Seconds until the magazine is full again (0 when not reloading). */
  reloadIn: number;
  respawnIn: number;
  kills: number;
  deaths: number;
  /** Inputs waiting, each already validated and clamped at the room boundary. */
  readonly queue: PlayerInput[];
  /** Fewest inputs waiting at the start of a tick in the current trim window. */
  queueFloor: number;
  queueWindowTicks: number;
  /**
   * A tick found this player's queue empty (its input late, or none sent) and
   * no tick has made it up yet: the next tick with 2+ waiting applies two. One
   * tick at most is owed, so no sending pattern buys speed.
   */
  stepOwed: boolean;
  readonly joinOrder: number;
  /** Where this player was over the last ticks, for judging shots at the tick the shooter saw. */
  readonly trail: PositionTrail;
}

export type MatchEvent =
  | { type: "kill"; killer: string; victim: string }
  | { type: "team-changed"; player: string; team: Team }
  | { type: "connection"; player: string; connected: boolean }
  | { type: "phase"; phase: Phase; winner: Team | "draw" | "" };

/**
 * Ticks a queue must stand at 2+ before its excess is skipped (1/6 s). Client and
 * server both run at 60 Hz, so a backlog left by arrival jitter does not drain on
 * its own; a longer window kept the benchmark's bots waiting longer
 * (docs/benchmarks.md, "Input queue trim").
 */
export const QUEUE_TRIM_WINDOW_TICKS = 10;

export type EnqueueResult = "queued" | "stale" | "queue_full" | "unknown_player";

export interface SimulationOptions {
  timings?: Partial<MatchTimings>;
  /** Inputs buffered per player; a burst up to this size is applied over the next ticks, beyond it is dropped. */
  inputQueueSize?: number;
  /** How far back a shot may be judged (lag compensation); 0 judges every shot now. */
  rewindMs?: number;
}

/**
 * The authoritative 6v6 rules. No framework import: the room feeds it validated,
 * clamped inputs and reads its fields after each fixed step.
 */
export class Simulation {
  readonly players = new Map<string, PlayerSim>();
  readonly timings: MatchTimings;
  readonly inputQueueSize: number;
  /** The rewind bound in ticks: also the length of every player's trail. */
  readonly rewindTicks: number;
  /** Steps completed; the state published after a step shows this tick. */
  tick = 0;
  phase: Phase = "waiting";
  /** Seconds left in the current phase (0 while waiting). */
  phaseTimeLeft = 0;
  scores: Record<Team, number> = { red: 0, blue: 0 };
  winner: Team | "draw" | "" = "";
  private joinCounter = 0;
  private events: MatchEvent[] = [];
  private skippedInputs = 0;

  constructor(options: SimulationOptions = {}) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.inputQueueSize = options.inputQueueSize ?? 64;
    this.rewindTicks = ticksIn(options.rewindMs ?? DEFAULT_REWIND_MS);
  }

  teamCounts(): TeamCounts {
    const counts: TeamCounts = { red: 0, blue: 0 };
    for (const p of this.players.values()) counts[p.team]++;
    return counts;
  }

  /** Seats a player; null when both teams are full. */
  addPlayer(id: string, name: string, requested?: Team): PlayerSim | null {
    const team = pickTeam(this.teamCounts(), requested);
    if (!team) return null;
    const player: PlayerSim = {
      id, name, team, seat: this.freeSeat(team), x: 0, y: 0, angle: 0, hp: COMBAT.maxHp,
      ack: 0, lastQueuedSeq: 0, connected: true, cooldown: 0, ammo: COMBAT.magazine, reloadIn: 0, respawnIn: 0, kills: 0, deaths: 0,
      queue: [], queueFloor: Infinity, queueWindowTicks: 0, stepOwed: false, joinOrder: this.joinCounter++, trail: new PositionTrail(this.rewindTicks),
    };
    this.spawn(player);
    this.players.set(id, player);
    return player;
  }

  removePlayer(id: string): void {
    if (!this.players.delete(id)) return;
    if (this.phase !== "live") this.rebalance();
  }

  setConnected(id: string, connected: boolean): void {
    const p = this.players.get(id);
    if (!p || p.connected === connected) return;
    p.connected = connected;
    this.events.push({ type: "connection", player: id, connected });
  }

  enqueueInput(id: string, input: PlayerInput): EnqueueResult {
    const p = this.players.get(id);
    if (!p) return "unknown_player";
    if (input.seq <= p.lastQueuedSeq) return "stale";
    if (p.queue.length >= this.inputQueueSize) return "queue_full";
    p.lastQueuedSeq = input.seq;
    p.queue.push(input);
    return "queued";
  }

  /** Events since the last call (kills, phase changes, team moves), oldest first. */
  drainEvents(): MatchEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  /** Inputs the standing-queue trim skipped since the last call. */
  takeSkippedInputs(): number {
    const n = this.skippedInputs;
    this.skippedInputs = 0;
    return n;
  }

  step(dt: number): void {
    this.stepPhase(dt);
    for (const p of this.players.values()) this.stepPlayer(p, dt);
    this.tick++;
    for (const p of this.players.values()) p.trail.record(this.tick, p.x, p.y);
  }

  private stepPlayer(p: PlayerSim, dt: number): void {
    p.cooldown = Math.max(0, p.cooldown - dt);
    if (p.reloadIn > 0) {
      p.reloadIn -= dt;
      if (p.reloadIn <= 1e-9) this.reload(p);
    }
    if (p.hp <= 0) {
      p.respawnIn -= dt;
      if (p.respawnIn <= 1e-9) this.spawn(p);
    }
    this.trimStandingQueue(p);
    // One input per tick, plus one a tick found missing: flooding buys no speed.
    const input = p.queue.shift();
    if (!input) {
      p.stepOwed = true;
      return;
    }
    this.applyInput(p, input, dt);
    // An input that arrived just after its tick (arrival jitter around the tick's edge) is made up now,
    // with the one that came on time: otherwise every later input would wait a tick longer.
    if (p.stepOwed && p.queue.length > 0) {
      p.stepOwed = false;
      this.applyInput(p, p.queue.shift()!, dt);
    }
  }

  private applyInput(p: PlayerSim, input: PlayerInput, dt: number): void {
    p.ack = input.seq;
    if (p.hp <= 0) return;
    const next = move(p.x, p.y, input.mx, input.my, dt);
    p.x = next.x;
    p.y = next.y;
    p.angle = input.aim;
    if (input.fire && p.cooldown <= 0 && p.ammo > 0 && this.phase === "live") this.fire(p, input.tick);
  }

  /**
   * A client sends at its 60 Hz and the server applies at its 60 Hz, so once a
   * hiccup (a GC pause, a late packet burst) leaves extra inputs waiting, they
   * would wait forever: latency that never drains. When every tick of a whole
   * window started with 2 or more inputs waiting, the excess over one is
   * skipped (oldest first; a skipped fire carries to the next input). A burst
   * that drains within the window is applied in full.
   */
  private trimStandingQueue(p: PlayerSim): void {
    p.queueFloor = Math.min(p.queueFloor, p.queue.length);
    if (++p.queueWindowTicks < QUEUE_TRIM_WINDOW_TICKS) return;
    for (let excess = p.queueFloor - 1; excess > 0; excess--) {
      this.skippedInputs++;
      const skipped = p.queue.shift()!;
      const next = p.queue[0];
      if (skipped.fire && !next.fire) {
        next.fire = true;
        next.tick = skipped.tick;
      }
    }
    p.queueFloor = Infinity;
    p.queueWindowTicks = 0;
  }

  /**
   * Hitscan from the shooter's present position against the others where the
   * shooter saw them: at the claimed tick, clamped to the rewind bound. The past
   * positions are read from the trails, never written into the players, so
   * nothing needs restoring and a shot cannot disturb the present.
   */
  private fire(shooter: PlayerSim, claimedTick: number | undefined): void {
    shooter.cooldown = COMBAT.fireCooldownSeconds;
    if (--shooter.ammo === 0) shooter.reloadIn = COMBAT.reloadSeconds;
    const at = judgedTick(claimedTick, this.tick, this.rewindTicks);
    const rewound = at !== NOW;
    const dx = Math.cos(shooter.angle);
    const dy = Math.sin(shooter.angle);
    let nearest = Math.min(COMBAT.range, rayObstacles(shooter.x, shooter.y, dx, dy));
    let target: PlayerSim | undefined;
    for (const other of this.players.values()) {
      if (other.team === shooter.team || other.hp <= 0) continue;
      let ox = other.x;
      let oy = other.y;
      if (rewound) {
        // Respawned or joined since: the shooter never saw this body.
        if (!other.trail.holds(at)) continue;
        ox = other.trail.xAt(at);
        oy = other.trail.yAt(at);
      }
      const t = rayCircle(shooter.x, shooter.y, dx, dy, ox, oy, ARENA.playerRadius);
      if (t < nearest) {
        nearest = t;
        target = other;
      }
    }
    if (!target) return;
    target.hp = Math.max(0, target.hp - COMBAT.damage);
    if (target.hp > 0) return;
    target.respawnIn = this.timings.respawnSeconds;
    target.deaths++;
    target.queue.length = 0;
    shooter.kills++;
    this.scores[shooter.team]++;
    this.events.push({ type: "kill", killer: shooter.id, victim: target.id });
  }

  private stepPhase(dt: number): void {
    const counts = this.teamCounts();
    const bothTeams = counts.red > 0 && counts.blue > 0;
    switch (this.phase) {
      case "waiting":
        if (bothTeams) this.enter("countdown", this.timings.countdownSeconds);
        return;
      case "countdown":
        if (!bothTeams) return this.enter("waiting", 0);
        this.phaseTimeLeft -= dt;
        if (this.phaseTimeLeft <= 1e-9) this.startRound();
        return;
      case "live":
        this.phaseTimeLeft -= dt;
        // A team with nobody left forfeits rather than leaving the other to wait out the clock.
        if (this.phaseTimeLeft <= 1e-9 || !bothTeams) this.endRound(counts);
        return;
      case "ended":
        this.phaseTimeLeft -= dt;
        if (this.phaseTimeLeft <= 1e-9) {
          this.enter("waiting", 0);
          this.rebalance();
        }
        return;
    }
  }

  private startRound(): void {
    this.scores = { red: 0, blue: 0 };
    this.winner = "";
    for (const p of this.players.values()) {
      p.kills = 0;
      p.deaths = 0;
      this.spawn(p);
    }
    this.enter("live", this.timings.roundSeconds);
  }

  private endRound(counts: TeamCounts): void {
    if (counts.red === 0 || counts.blue === 0) this.winner = counts.red > 0 ? "red" : counts.blue > 0 ? "blue" : "draw";
    else if (this.scores.red === this.scores.blue) this.winner = "draw";
    else this.winner = this.scores.red > this.scores.blue ? "red" : "blue";
    this.enter("ended", this.timings.endedSeconds);
  }

  private enter(phase: Phase, seconds: number): void {
    this.phase = phase;
    this.phaseTimeLeft = seconds;
    if (phase === "waiting") this.winner = "";
    this.events.push({ type: "phase", phase, winner: this.winner });
  }

  /** Moves the latest joiners from a team two or more ahead; never called mid-round. */
  private rebalance(): void {
    for (let from = overfullTeam(this.teamCounts()); from; from = overfullTeam(this.teamCounts())) {
      let latest: PlayerSim | undefined;
      for (const p of this.players.values()) {
        if (p.team === from && (!latest || p.joinOrder > latest.joinOrder)) latest = p;
      }
      if (!latest) return;
      const to: Team = from === "red" ? "blue" : "red";
      latest.team = to;
      latest.seat = this.freeSeat(to);
      this.spawn(latest);
      this.events.push({ type: "team-changed", player: latest.id, team: to });
    }
  }

  private freeSeat(team: Team): number {
    const taken = new Set<number>();
    for (const p of this.players.values()) if (p.team === team) taken.add(p.seat);
    let seat = 0;
    while (taken.has(seat)) seat++;
    return seat;
  }

  private spawn(p: PlayerSim): void {
    const at = spawnPoint(p.team, p.seat);
    p.x = at.x;
    p.y = at.y;
    p.angle = p.team === "red" ? 0 : Math.PI;
    p.hp = COMBAT.maxHp;
    p.respawnIn = 0;
    p.cooldown = 0;
    // The first state showing this life is the next one published.
    p.trail.since = this.tick + 1;
    this.reload(p);
  }

  private reload(p: PlayerSim): void {
    p.ammo = COMBAT.magazine;
    p.reloadIn = 0;
  }
}

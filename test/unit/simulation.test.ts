import assert from "node:assert/strict";
import { Simulation, QUEUE_TRIM_WINDOW_TICKS } from "../../rooms/match/Simulation";
import { ARENA, COMBAT, TICK_RATE, TICK_SECONDS } from "../../rooms/match/rules";
import { POSITION_SCALE } from "../../schema/scales";
import type { PlayerInput } from "../../schema/input";

const DT = TICK_SECONDS;
/** Positions are rounded to the grid each tick: a step may be off by this much per axis. */
const HALF_GRID = 0.5 / POSITION_SCALE;
const timings = { countdownSeconds: 1, roundSeconds: 5, endedSeconds: 1, respawnSeconds: 0.5 };

function ticks(sim: Simulation, seconds: number): void {
  for (let i = 0; i < Math.round(seconds / DT); i++) sim.step(DT);
}

/** Queues one input and runs one step. */
function act(sim: Simulation, id: string, input: Omit<PlayerInput, "seq">): void {
  const p = sim.players.get(id)!;
  assert.equal(sim.enqueueInput(id, { seq: p.lastQueuedSeq + 1, ...input }), "queued");
  sim.step(DT);
}

/** A live 1v1 with the two players facing each other in open ground. */
function liveDuel(): Simulation {
  const sim = new Simulation({ timings });
  sim.addPlayer("r", "red", "red");
  sim.addPlayer("b", "blue", "blue");
  ticks(sim, 1.1);
  assert.equal(sim.phase, "live");
  const r = sim.players.get("r")!;
  const b = sim.players.get("b")!;
  Object.assign(r, { x: 600, y: 800 });
  Object.assign(b, { x: 1000, y: 800 });
  return sim;
}

describe("match rules (virtual time)", () => {
  it("moves maxSpeed per second (to the position grid) and stays inside the arena", () => {
    const sim = new Simulation({ timings });
    const p = sim.addPlayer("a", "a", "red")!;
    const x0 = p.x;
    for (let i = 0; i < 60; i++) act(sim, "a", { mx: 1, my: 0, aim: 0, fire: false });
    assert.ok(Math.abs(p.x - x0 - COMBAT.maxSpeed) <= TICK_RATE * HALF_GRID, `moved ${p.x - x0}`);
    assert.equal(Math.round(p.x * POSITION_SCALE) / POSITION_SCALE, p.x, "on the grid");
    // A diagonal at full deflection is normalised: no faster than straight.
    const before = { x: p.x, y: p.y };
    act(sim, "a", { mx: 1, my: 1, aim: 0, fire: false });
    assert.ok(Math.hypot(p.x - before.x, p.y - before.y) <= COMBAT.maxSpeed * DT + Math.SQRT2 * HALF_GRID);
    for (let i = 0; i < 600; i++) act(sim, "a", { mx: -1, my: -1, aim: 0, fire: false });
    assert.equal(p.x, ARENA.playerRadius);
    assert.equal(p.y, ARENA.playerRadius);
  });

  it("keeps players out of obstacles", () => {
    const sim = new Simulation({ timings });
    const p = sim.addPlayer("a", "a", "red")!;
    const wall = ARENA.obstacles[4];
    Object.assign(p, { x: wall.x - 100, y: wall.y + wall.h / 2 });
    for (let i = 0; i < 120; i++) act(sim, "a", { mx: 1, my: 0, aim: 0, fire: false });
    assert.ok(p.x <= wall.x - ARENA.playerRadius + 1e-9, `entered the wall at x=${p.x}`);
  });

  it("applies one input per tick, keeps a burst, and acks the last applied seq", () => {
    const sim = new Simulation({ timings, inputQueueSize: 4 });
    const p = sim.addPlayer("a", "a", "red")!;
    for (let seq = 1; seq <= 4; seq++) assert.equal(sim.enqueueInput("a", { seq, mx: 1, my: 0, aim: 0, fire: false }), "queued");
    assert.equal(sim.enqueueInput("a", { seq: 5, mx: 1, my: 0, aim: 0, fire: false }), "queue_full");
    assert.equal(sim.enqueueInput("a", { seq: 4, mx: 1, my: 0, aim: 0, fire: false }), "stale");
    const x0 = p.x;
    sim.step(DT);
    assert.equal(p.ack, 1);
    assert.ok(Math.abs(p.x - x0 - COMBAT.maxSpeed * DT) <= HALF_GRID, "a burst must not move faster than one step per tick");
    ticks(sim, 3 * DT);
    assert.equal(p.ack, 4);
    sim.step(DT);
    assert.equal(p.ack, 4, "no input, no ack change");
  });

  it("runs the phases waiting -> countdown -> live -> ended -> waiting", () => {
    const sim = new Simulation({ timings });
    sim.addPlayer("r", "red", "red");
    sim.step(DT);
    assert.equal(sim.phase, "waiting", "one team alone waits");
    sim.addPlayer("b", "blue", "blue");
    sim.step(DT);
    assert.equal(sim.phase, "countdown");
    sim.removePlayer("b");
    sim.step(DT);
    assert.equal(sim.phase, "waiting", "countdown aborts when a team empties");
    sim.addPlayer("b", "blue", "blue");
    sim.step(DT);
    assert.equal(sim.phase, "countdown");
    ticks(sim, 1);
    assert.equal(sim.phase, "live");
    assert.ok(sim.phaseTimeLeft > 4.9);
    ticks(sim, 5);
    assert.equal(sim.phase, "ended");
    assert.equal(sim.winner, "draw");
    ticks(sim, 1);
    assert.equal(sim.phase, "waiting");
    assert.equal(sim.winner, "");
  });

  it("ends a live round early when a team empties, the remaining team winning", () => {
    const sim = liveDuel();
    sim.removePlayer("b");
    sim.step(DT);
    assert.equal(sim.phase, "ended");
    assert.equal(sim.winner, "red");
  });

  it("fires hitscan with a cooldown, damages, kills, scores and respawns", () => {
    const sim = liveDuel();
    const b = sim.players.get("b")!;
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(b.hp, COMBAT.maxHp - COMBAT.damage);
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(b.hp, COMBAT.maxHp - COMBAT.damage, "cooldown blocks the second shot");
    const shotsToKill = COMBAT.maxHp / COMBAT.damage;
    for (let shot = 1; shot < shotsToKill; shot++) {
      ticks(sim, COMBAT.fireCooldownSeconds);
      act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    }
    assert.equal(b.hp, 0);
    assert.equal(sim.scores.red, 1);
    assert.equal(sim.players.get("r")!.kills, 1);
    assert.equal(b.deaths, 1);
    assert.deepEqual(sim.drainEvents().filter((e) => e.type === "kill"), [{ type: "kill", killer: "r", victim: "b" }]);
    const deadAt = { x: b.x, y: b.y };
    act(sim, "b", { mx: 1, my: 0, aim: 0, fire: false });
    assert.deepEqual({ x: b.x, y: b.y }, deadAt, "the dead do not move");
    ticks(sim, timings.respawnSeconds);
    assert.equal(b.hp, COMBAT.maxHp);
    assert.ok(b.x > ARENA.width / 2, "respawned on its own side");
  });

  it("does not hit through obstacles, teammates or out of range", () => {
    const sim = liveDuel();
    const r = sim.players.get("r")!;
    const b = sim.players.get("b")!;
    const wall = ARENA.obstacles[4];
    Object.assign(r, { x: wall.x - 60, y: wall.y + 20 });
    Object.assign(b, { x: wall.x + wall.w + 60, y: wall.y + 20 });
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(b.hp, COMBAT.maxHp, "wall blocks");
    sim.addPlayer("r2", "red2", "red");
    const mate = sim.players.get("r2")!;
    Object.assign(r, { x: 100, y: 850 });
    Object.assign(mate, { x: 300, y: 850 });
    ticks(sim, COMBAT.fireCooldownSeconds);
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(mate.hp, COMBAT.maxHp, "no friendly fire");
    Object.assign(b, { x: 100 + COMBAT.range + 50, y: 850 });
    Object.assign(mate, { x: 300, y: 100 });
    ticks(sim, COMBAT.fireCooldownSeconds);
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(b.hp, COMBAT.maxHp, "out of range");
  });

  it("does not fire outside a live round", () => {
    const sim = new Simulation({ timings });
    sim.addPlayer("r", "red", "red");
    sim.addPlayer("b", "blue", "blue");
    Object.assign(sim.players.get("r")!, { x: 600, y: 800 });
    Object.assign(sim.players.get("b")!, { x: 1000, y: 800 });
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(sim.phase, "countdown");
    assert.equal(sim.players.get("b")!.hp, COMBAT.maxHp);
  });

  it("seats requested teams while they have room and rebalances outside a live round", () => {
    const sim = new Simulation({ timings });
    for (let i = 0; i < 6; i++) assert.equal(sim.addPlayer(`r${i}`, "x", "red")!.team, "red");
    assert.equal(sim.addPlayer("late", "x", "red")!.team, "blue", "full team: placed on the other");
    for (let i = 0; i < 5; i++) sim.addPlayer(`b${i}`, "x", "blue");
    assert.equal(sim.addPlayer("13th", "x"), null);
    // Blue loses three: the gap reaches 2 and the latest red joiner moves.
    ticks(sim, 0.5);
    sim.removePlayer("b0");
    sim.removePlayer("b1");
    sim.removePlayer("b2");
    const counts = sim.teamCounts();
    assert.ok(Math.abs(counts.red - counts.blue) <= 1, JSON.stringify(counts));
    assert.equal(sim.players.get("r5")!.team, "blue");
  });

  it("never moves players mid-round; rebalances when the round is over", () => {
    const sim = new Simulation({ timings });
    for (let i = 0; i < 4; i++) sim.addPlayer(`r${i}`, "x", "red");
    for (let i = 0; i < 4; i++) sim.addPlayer(`b${i}`, "x", "blue");
    ticks(sim, 1.1);
    assert.equal(sim.phase, "live");
    sim.removePlayer("b0");
    sim.removePlayer("b1");
    assert.deepEqual(sim.teamCounts(), { red: 4, blue: 2 });
    while (sim.phase === "live") sim.step(DT);
    assert.deepEqual(sim.teamCounts(), { red: 4, blue: 2 }, "teams kept while the result shows");
    while (sim.phase === "ended") sim.step(DT);
    assert.deepEqual(sim.teamCounts(), { red: 3, blue: 3 });
  });
});

describe("match rules: ammunition", () => {
  it("empties the magazine, refuses to fire while reloading, refills after the reload time", () => {
    const sim = liveDuel();
    const r = sim.players.get("r")!;
    const b = sim.players.get("b")!;
    Object.assign(b, { x: 1000, y: 100 }); // out of the line of fire
    for (let shot = 0; shot < COMBAT.magazine; shot++) {
      act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
      ticks(sim, COMBAT.fireCooldownSeconds);
    }
    assert.equal(r.ammo, 0);
    assert.ok(r.reloadIn > 0);
    Object.assign(b, { x: 1000, y: 800, hp: COMBAT.maxHp });
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(b.hp, COMBAT.maxHp, "no shot while reloading");
    ticks(sim, COMBAT.reloadSeconds);
    assert.equal(r.ammo, COMBAT.magazine);
    act(sim, "r", { mx: 0, my: 0, aim: 0, fire: true });
    assert.equal(b.hp, COMBAT.maxHp - COMBAT.damage);
  });
});

describe("match rules: standing input queues", () => {
  const still = { mx: 0, my: 0, aim: 0, fire: false };

  it("applies a burst in full, one intent per tick, when it drains within the trim window", () => {
    const sim = new Simulation({ timings });
    const p = sim.addPlayer("a", "a", "red")!;
    const burst = QUEUE_TRIM_WINDOW_TICKS;
    for (let seq = 1; seq <= burst; seq++) sim.enqueueInput("a", { seq, mx: 1, my: 0, aim: 0, fire: false });
    const x0 = p.x;
    ticks(sim, burst * DT);
    assert.equal(p.ack, burst);
    assert.ok(Math.abs(p.x - x0 - burst * COMBAT.maxSpeed * DT) < 1, `moved ${p.x - x0}`); // positions sit on the 0.1 grid
    assert.equal(sim.takeSkippedInputs(), 0);
  });

  it("skips the excess of a queue that stands at 2+ for a whole window, so latency drains", () => {
    const sim = new Simulation({ timings });
    const p = sim.addPlayer("a", "a", "red")!;
    let seq = 0;
    // A hiccup left 6 intents waiting; the client then keeps sending one per tick.
    for (let i = 0; i < 6; i++) sim.enqueueInput("a", { seq: ++seq, ...still });
    const waiting: number[] = [];
    for (let t = 0; t < 3 * QUEUE_TRIM_WINDOW_TICKS; t++) {
      sim.enqueueInput("a", { seq: ++seq, ...still });
      waiting.push(p.queue.length);
      sim.step(DT);
    }
    assert.ok(waiting.slice(0, QUEUE_TRIM_WINDOW_TICKS - 1).every((n) => n === 7), "kept while it might be a burst");
    assert.ok(waiting.slice(QUEUE_TRIM_WINDOW_TICKS + 1).every((n) => n <= 2), `still standing: ${waiting.slice(-5)}`);
    assert.ok(seq - p.ack <= 1, "ack within a tick of the newest intent");
    assert.equal(sim.takeSkippedInputs(), 6, "the six waiting beyond one are counted as skipped");
    assert.equal(sim.takeSkippedInputs(), 0);
  });

  it("makes up a tick whose intent arrived late: it is applied with the next one, and nothing is left waiting", () => {
    const sim = new Simulation({ timings });
    const p = sim.addPlayer("a", "a", "red")!;
    const x0 = p.x;
    let seq = 0;
    // Intents arriving per tick from a 60 Hz client whose sends straddle the tick's edge: now and then
    // one comes just after its tick and shows up with the next.
    const arrivals = [1, 1, 0, 2, 1, 0, 2, 1, 1, 1, 0, 2, 1, 0, 2, 1];
    for (const count of arrivals) {
      for (let i = 0; i < count; i++) sim.enqueueInput("a", { seq: ++seq, mx: 1, my: 0, aim: 0, fire: false });
      sim.step(DT);
      assert.equal(p.queue.length, 0, "an intent was left waiting a tick");
      assert.equal(p.ack, seq, "the newest intent is applied on the tick it arrived");
    }
    assert.ok(Math.abs(p.x - x0 - seq * COMBAT.maxSpeed * DT) < 1, `one step per intent: moved ${p.x - x0} for ${seq}`);
    assert.equal(sim.takeSkippedInputs(), 0);
  });

  it("owes at most one step: after idle ticks, a flood moves one step a tick plus one", () => {
    const sim = new Simulation({ timings });
    const p = sim.addPlayer("a", "a", "red")!;
    ticks(sim, 30 * DT);
    const x0 = p.x;
    let seq = 0;
    for (let t = 0; t < 5; t++) {
      for (let i = 0; i < 5; i++) sim.enqueueInput("a", { seq: ++seq, mx: 1, my: 0, aim: 0, fire: false });
      sim.step(DT);
    }
    assert.equal(p.ack, 6, "five ticks applied five intents and the one owed");
    assert.ok(Math.abs(p.x - x0 - 6 * COMBAT.maxSpeed * DT) < 1, `moved ${p.x - x0}`);
  });

  it("carries a skipped fire to the next intent", () => {
    const sim = liveDuel();
    const b = sim.players.get("b")!;
    const r = sim.players.get("r")!;
    let seq = r.lastQueuedSeq;
    for (let i = 0; i < 4; i++) sim.enqueueInput("r", { seq: ++seq, ...still });
    for (let t = 0; t < QUEUE_TRIM_WINDOW_TICKS - 1; t++) {
      sim.enqueueInput("r", { seq: ++seq, ...still });
      sim.step(DT);
    }
    // The window closes on the next step: the fire intent is among the skipped excess.
    sim.enqueueInput("r", { seq: ++seq, ...still });
    r.queue[0].fire = true;
    sim.step(DT);
    assert.equal(b.hp, COMBAT.maxHp - COMBAT.damage, "the shot was not lost with the skipped intent");
  });
});

import assert from "node:assert/strict";
import { Simulation, SimulationOptions } from "../../rooms/match/Simulation";
import { COMBAT, TICK_SECONDS } from "../../rooms/match/rules";
import { PositionTrail } from "../../rooms/match/rewind";
import type { PlayerInput } from "../../schema/input";

const DT = TICK_SECONDS;
const timings = { countdownSeconds: 1, roundSeconds: 60, endedSeconds: 1, respawnSeconds: 0.5 };
const STAND = { mx: 0, my: 0, aim: 0, fire: false };
const DOWN = { mx: 0, my: 1, aim: 0, fire: false };

function ticks(sim: Simulation, n: number): void {
  for (let i = 0; i < n; i++) sim.step(DT);
}

/** Queues one input per named player, then runs one step. */
function step(sim: Simulation, inputs: Record<string, Omit<PlayerInput, "seq">>): void {
  for (const [id, input] of Object.entries(inputs)) {
    const p = sim.players.get(id)!;
    assert.equal(sim.enqueueInput(id, { seq: p.lastQueuedSeq + 1, ...input }), "queued");
  }
  sim.step(DT);
}

/** A live 1v1 in open ground: red at (600, 800) aiming along +x at blue at (1000, 800). */
function liveDuel(options: SimulationOptions = {}): Simulation {
  const sim = new Simulation({ timings, ...options });
  sim.addPlayer("r", "red", "red");
  sim.addPlayer("b", "blue", "blue");
  while (sim.phase !== "live") sim.step(DT);
  Object.assign(sim.players.get("r")!, { x: 600, y: 800 });
  Object.assign(sim.players.get("b")!, { x: 1000, y: 800 });
  // One step records the placed positions in the trails.
  sim.step(DT);
  return sim;
}

/**
 * Blue stands in red's line of fire at tick T, then walks out of it for
 * `walkTicks` ticks; red then fires straight at where blue stood, claiming `claim(T)`.
 * Returns blue's hp after the shot.
 */
function shotAfterWalk(walkTicks: number, claim: (seen: number) => number | undefined, options: SimulationOptions = {}): number {
  const sim = liveDuel(options);
  const seen = sim.tick;
  for (let i = 0; i < walkTicks; i++) step(sim, { b: DOWN });
  assert.ok(sim.players.get("b")!.y - 800 > 16, "blue has left the line of fire by more than its radius");
  step(sim, { r: { ...STAND, fire: true, tick: claim(seen) } });
  return sim.players.get("b")!.hp;
}

describe("lag compensation (virtual time)", () => {
  it("hits a target where the shooter saw it at tick T although it has moved by T+6", () => {
    assert.equal(shotAfterWalk(6, (seen) => seen), COMBAT.maxHp - COMBAT.damage);
  });

  it("misses the same shot judged now: without a tick, or claiming the present", () => {
    assert.equal(shotAfterWalk(6, () => undefined), COMBAT.maxHp);
    assert.equal(shotAfterWalk(6, (seen) => seen + 6), COMBAT.maxHp);
  });

  it("judges a claim older than the bound at the bound, where the target had already left", () => {
    // 20 ticks of walking: with the 250 ms default (15 ticks) the shot is judged
    // 15 ticks before its own, 6 ticks into the walk, when blue was already 22.2 units down (radius 16).
    assert.equal(shotAfterWalk(20, (seen) => seen), COMBAT.maxHp, "judged at the bound: miss");
    assert.equal(shotAfterWalk(20, (seen) => seen, { rewindMs: 500 }), COMBAT.maxHp - COMBAT.damage, "a 500 ms bound reaches back to T");
    assert.equal(shotAfterWalk(6, (seen) => seen, { rewindMs: 0 }), COMBAT.maxHp, "a bound of 0 turns rewind off");
  });

  it("judges a claim in the future now", () => {
    const sim = liveDuel();
    const seen = sim.tick;
    for (let i = 0; i < 6; i++) step(sim, { b: DOWN });
    const b = sim.players.get("b")!;
    const atBlueNow = Math.atan2(b.y - 800, b.x - 600);
    step(sim, { r: { ...STAND, aim: atBlueNow, fire: true, tick: seen + 1000 } });
    assert.equal(b.hp, COMBAT.maxHp - COMBAT.damage, "hit where blue is now");
    ticks(sim, Math.ceil(COMBAT.fireCooldownSeconds / DT));
    step(sim, { r: { ...STAND, aim: 0, fire: true, tick: seen + 1000 } });
    assert.equal(b.hp, COMBAT.maxHp - COMBAT.damage, "not where blue was");
  });

  it("never moves anyone: the present after a rewound shot is bit-identical to a world without it", () => {
    // 3v3, everyone walking; in one world the reds fire rewound shots that hit, in its twin nobody fires.
    const build = () => {
      const sim = new Simulation({ timings });
      for (let i = 0; i < 3; i++) sim.addPlayer(`r${i}`, "red", "red");
      for (let i = 0; i < 3; i++) sim.addPlayer(`b${i}`, "blue", "blue");
      while (sim.phase !== "live") sim.step(DT);
      for (let i = 0; i < 3; i++) {
        Object.assign(sim.players.get(`r${i}`)!, { x: 600, y: 600 + i * 100 });
        Object.assign(sim.players.get(`b${i}`)!, { x: 1000, y: 600 + i * 100 });
      }
      sim.step(DT);
      return sim;
    };
    const shooting = build();
    const quiet = build();
    const seen = shooting.tick;
    const walk = (sim: Simulation, fire: boolean, k: number) => {
      const intents: Record<string, Omit<PlayerInput, "seq">> = {};
      for (let i = 0; i < 3; i++) {
        intents[`b${i}`] = { mx: -0.3, my: k % 2 ? 0.9 : -0.7, aim: Math.PI, fire: false };
        intents[`r${i}`] = { mx: 0, my: 0.25, aim: 0, fire: fire && k === 6, tick: seen };
      }
      step(sim, intents);
    };
    for (let k = 0; k < 12; k++) {
      walk(shooting, true, k);
      walk(quiet, false, k);
    }
    const hits = [...shooting.players.values()].filter((p) => p.hp < COMBAT.maxHp).length;
    assert.equal(hits, 3, "each red hit the blue it saw");
    const present = (sim: Simulation) => [...sim.players.values()].map((p) => [p.id, p.x, p.y, p.angle, p.ack]);
    assert.deepEqual(present(shooting), present(quiet));
  });

  it("does not hit a body that respawned after the claimed tick", () => {
    const sim = liveDuel({ rewindMs: 1000 });
    const b = sim.players.get("b")!;
    b.hp = COMBAT.damage;
    const seen = sim.tick;
    step(sim, { r: { ...STAND, fire: true, tick: seen } });
    assert.equal(b.hp, 0);
    while (b.hp === 0) sim.step(DT);
    // Put the new life back where the old one stood: only the claimed tick says it was not there.
    Object.assign(b, { x: 1000, y: 800 });
    sim.step(DT);
    step(sim, { r: { ...STAND, fire: true, tick: seen } });
    assert.equal(b.hp, COMBAT.maxHp, "the shooter saw the previous life");
    ticks(sim, Math.ceil(COMBAT.fireCooldownSeconds / DT));
    step(sim, { r: { ...STAND, fire: true, tick: sim.tick } });
    assert.equal(b.hp, COMBAT.maxHp - COMBAT.damage, "the current life at a tick it was seen");
  });

  it("keeps exactly the last `capacity` ticks in its ring", () => {
    const trail = new PositionTrail(15);
    trail.since = 1;
    for (let t = 1; t <= 40; t++) trail.record(t, t * 10, -t);
    assert.equal(trail.holds(25), false);
    assert.equal(trail.holds(41), false);
    for (let t = 26; t <= 40; t++) {
      assert.ok(trail.holds(t));
      assert.equal(trail.xAt(t), t * 10);
      assert.equal(trail.yAt(t), -t);
    }
    trail.since = 35;
    assert.equal(trail.holds(34), false);
  });
});

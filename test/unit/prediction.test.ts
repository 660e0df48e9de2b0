import assert from "node:assert/strict";
import { Simulation } from "../../rooms/match/Simulation";
import { ARENA, COMBAT, TICK_SECONDS } from "../../rooms/match/rules";
import { POSITION_SCALE } from "../../schema/scales";
import { OwnPlayerPrediction } from "../../client/prediction";
import type { PlayerInput } from "../../schema/input";
import { Interpolation, Pose } from "../../client/interpolation";

const DT = TICK_SECONDS;
const TICK_MS = DT * 1000;
const timings = { countdownSeconds: 1, roundSeconds: 60, endedSeconds: 1, respawnSeconds: 0.5 };

/** What a patch tells a client: the state's tick and each player in wire units. */
interface WireState {
  tick: number;
  players: Map<string, { x: number; y: number; angle: number; ack: number; hp: number }>;
}

function wireState(sim: Simulation): WireState {
  const players = new Map<string, { x: number; y: number; angle: number; ack: number; hp: number }>();
  for (const p of sim.players.values()) {
    // The same conversion as MatchRoom.writePlayer.
    players.set(p.id, { x: Math.round(p.x * POSITION_SCALE), y: Math.round(p.y * POSITION_SCALE), angle: p.angle, ack: p.ack, hp: p.hp });
  }
  return { tick: sim.tick, players };
}

/** A one-way network delay of `ticks` in both directions, stepped once per server tick. */
class Link<T> {
  private readonly inFlight: { at: number; value: T }[] = [];
  constructor(private readonly ticks: number) {}
  send(now: number, value: T): void {
    this.inFlight.push({ at: now + this.ticks, value });
  }
  receive(now: number): T[] {
    const out: T[] = [];
    while (this.inFlight.length > 0 && this.inFlight[0].at <= now) out.push(this.inFlight.shift()!.value);
    return out;
  }
}

/**
 * A deterministic walk from the red spawn: a new heading every 2 s, wobbling,
 * with deflections past 1, partial ones and creeps under one grid step. It
 * presses against the centre wall and the bottom edge on the way.
 */
function stick(k: number): { mx: number; my: number } {
  const heading = [0.35, 1.1, -0.2, 0.6, -1.3, 2.4, 0.05, -2.8, 1.6, 0.9][Math.floor(k / 120) % 10] + 0.3 * Math.sin(k * 0.1);
  const deflection = k % 9 === 0 ? 0.013 : k % 5 === 0 ? 0.37 : 1.4;
  return { mx: deflection * Math.cos(heading), my: deflection * Math.sin(heading) };
}

describe("prediction contract (virtual time)", () => {
  it("replaying pending inputs on the server's quantized state reproduces the server's positions exactly", () => {
    const sim = new Simulation({ timings });
    sim.addPlayer("me", "me", "red");
    const prediction = new OwnPlayerPrediction();
    // A client sends inputs once it has the state of its join.
    prediction.reconcile(wireState(sim).players.get("me")!);
    const toServer = new Link<PlayerInput>(5);
    const toClient = new Link<WireState>(4);
    const server = new Map<number, { x: number; y: number }>();
    const predictedAtSend = new Map<number, { x: number; y: number }>();
    const predictedAtReconcile: { seq: number; x: number; y: number }[] = [];
    let lastSent = 0;
    // 1200 ticks: long enough to run into the arena's edges and several obstacles.
    for (let now = 0; now < 1200; now++) {
      for (const state of toClient.receive(now)) {
        prediction.reconcile(state.players.get("me")!);
        predictedAtReconcile.push({ seq: lastSent, x: prediction.x, y: prediction.y });
      }
      const { mx, my } = stick(now);
      const frame = prediction.next(mx, my, 0, false);
      lastSent = frame.seq;
      predictedAtSend.set(frame.seq, { x: prediction.x, y: prediction.y });
      toServer.send(now, frame);
      for (const f of toServer.receive(now)) assert.equal(sim.enqueueInput("me", f), "queued");
      sim.step(DT);
      const me = sim.players.get("me")!;
      server.set(me.ack, { x: me.x, y: me.y });
      toClient.send(now, wireState(sim));
    }
    const path = [...server.values()];
    assert.ok(path.some((p) => p.x === ARENA.obstacles[4].x - ARENA.playerRadius), "pressed against the centre wall");
    assert.ok(path.some((p) => p.y === ARENA.height - ARENA.playerRadius), "pressed against the bottom edge");
    let compared = 0;
    for (const [seq, predicted] of predictedAtSend) {
      const truth = server.get(seq);
      if (!truth) continue;
      assert.deepEqual(predicted, truth, `seq ${seq}`);
      compared++;
    }
    assert.ok(compared > 1100, `${compared} inputs compared`);
    for (const r of predictedAtReconcile) {
      const truth = server.get(r.seq);
      if (truth) assert.deepEqual({ x: r.x, y: r.y }, truth, `replay after ack up to seq ${r.seq}`);
    }
  });

  it("does not predict movement while the server says the player is dead", () => {
    const prediction = new OwnPlayerPrediction();
    prediction.reconcile({ x: 1000, y: 2000, ack: 0, hp: 0 });
    prediction.next(1, 0, 0, false);
    assert.deepEqual({ x: prediction.x, y: prediction.y }, { x: 100, y: 200 });
    prediction.reconcile({ x: 1200, y: 1500, ack: 1, hp: COMBAT.maxHp });
    assert.equal(prediction.pendingCount, 0);
    prediction.next(0, 1, 0, false);
    assert.equal(prediction.x, 120);
    assert.ok(prediction.y > 150);
  });

  it("interpolates the others a render delay behind, never backwards, and does not slide across a respawn", () => {
    const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);
    const interpolation = new Interpolation(6);
    const at = (x: number, y = 0, angle = 0): Iterable<[string, Pose]> => [["b", { x, y, angle }]];
    for (let tick = 1; tick <= 10; tick++) interpolation.push(tick, tick * TICK_MS, at(tick * 3, 0, tick === 5 ? -3 : 3));
    assert.equal(interpolation.advance(10 * TICK_MS), 4, "newest tick minus the delay");
    assert.deepEqual(interpolation.pose("b"), { x: 12, y: 0, angle: 3 });
    near(interpolation.advance(10.6 * TICK_MS), 4.6, "render tick");
    const between = interpolation.pose("b")!;
    near(between.x, 13.8, "x between ticks 4 and 5");
    // From 3 rad to -3 rad the short way round is up through π, not down through 0.
    assert.ok(between.angle > 3, `angle ${between.angle}`);
    assert.equal(interpolation.fireTick(), 5, "nearest state to what is on screen");
    // Time running backwards or a late state must not pull the picture back.
    interpolation.push(11, 10.6 * TICK_MS, at(33));
    near(interpolation.advance(10.6 * TICK_MS), 5, "render tick");
    near(interpolation.advance(10.55 * TICK_MS), 5, "never backwards");
    // A respawn: from x=36 to x=1400 in one tick is shown as a jump at the new state's tick.
    interpolation.push(12, 11 * TICK_MS, at(36));
    interpolation.push(13, 12 * TICK_MS, at(1400, 500));
    near(interpolation.advance(17.5 * TICK_MS), 12.5, "render tick");
    assert.deepEqual(interpolation.pose("b"), { x: 36, y: 0, angle: 0 });
    near(interpolation.advance(40 * TICK_MS), 13, "never past the newest state");
    assert.deepEqual(interpolation.pose("b"), { x: 1400, y: 500, angle: 0 });
  });

  it("a client aiming at what it shows, sending fireTick, hits a moving target through a laggy link", () => {
    const duel = (sendTick: boolean) => {
      const sim = new Simulation({ timings });
      sim.addPlayer("r", "red", "red");
      sim.addPlayer("b", "blue", "blue");
      while (sim.phase !== "live") sim.step(DT);
      Object.assign(sim.players.get("r")!, { x: 600, y: 700 });
      Object.assign(sim.players.get("b")!, { x: 1000, y: 650 });
      const prediction = new OwnPlayerPrediction();
      const interpolation = new Interpolation();
      // 133 ms round trip: with the 100 ms render delay the claim is 14 ticks old, inside the 15-tick bound.
      const toServer = new Link<PlayerInput>(4);
      const toClient = new Link<WireState>(4);
      const b = sim.players.get("b")!;
      let bSeq = 0;
      for (let now = 0; now < 60; now++) {
        for (const state of toClient.receive(now)) {
          prediction.reconcile(state.players.get("r")!);
          const others: [string, Pose][] = [];
          for (const [id, p] of state.players) if (id !== "r") others.push([id, { x: p.x / POSITION_SCALE, y: p.y / POSITION_SCALE, angle: p.angle }]);
          interpolation.push(state.tick, now * TICK_MS, others);
        }
        interpolation.advance(now * TICK_MS);
        const seen = interpolation.pose("b");
        const fire = now === 40;
        assert.ok(!fire || seen, "the target is on screen when firing");
        const aim = seen ? Math.atan2(seen.y - prediction.y, seen.x - prediction.x) : 0;
        toServer.send(now, prediction.next(0, 0, aim, fire, fire && sendTick ? interpolation.fireTick() : undefined));
        for (const f of toServer.receive(now)) sim.enqueueInput("r", f);
        sim.enqueueInput("b", { seq: ++bSeq, mx: 0, my: 1, aim: Math.PI, fire: false });
        sim.step(DT);
        toClient.send(now, wireState(sim));
      }
      return b.hp;
    };
    assert.equal(duel(true), COMBAT.maxHp - COMBAT.damage, "judged at the tick on screen: hit");
    assert.equal(duel(false), COMBAT.maxHp, "judged now, the target has walked on: miss");
  });
});

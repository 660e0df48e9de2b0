/**
 * `npx tsx loadtest/rewindStepCost.ts [--seconds 60] [--rounds 5]`: what lag
 * compensation costs the rules, without a server, network or other load.
 *
 * One 6v6 match of the real rules (`Simulation`), every player holding fire
 * with the bench bots' movement and aim, each shot claiming the tick the
 * client SDK would show (newest tick minus its render delay), stepped with
 * ARENA_REWIND_MS 250 (the default) and 0 (off), alternating for `--rounds`
 * rounds of `--seconds` of ticks. Only `step` is timed. Prints µs per step
 * (median of the rounds) and its share of one core per room at 60 steps/s.
 */
import { parseArgs } from "node:util";
import { DEFAULT_RENDER_DELAY_TICKS } from "../client/interpolation";
import { Simulation } from "../rooms/match/Simulation";
import { TEAM_SIZE, TICK_RATE, TICK_SECONDS } from "../rooms/match/rules";
import { IntentionGenerator } from "./bot/intentions";

function run(rewindMs: number, ticks: number): number {
  const sim = new Simulation({ rewindMs, timings: { countdownSeconds: 0.1, roundSeconds: 3600 } });
  const ids = Array.from({ length: TEAM_SIZE * 2 }, (_, i) => `p${i}`);
  const intentions = ids.map((_, i) => new IntentionGenerator(i + 1, "always"));
  for (const id of ids) sim.addPlayer(id, id);
  let stepNs = 0n;
  for (let t = 0; t < ticks; t++) {
    const tick = Math.max(0, sim.tick - DEFAULT_RENDER_DELAY_TICKS);
    ids.forEach((id, i) => sim.enqueueInput(id, { seq: t + 1, ...intentions[i].next(), tick }));
    const start = process.hrtime.bigint();
    sim.step(TICK_SECONDS);
    stepNs += process.hrtime.bigint() - start;
    sim.drainEvents();
  }
  return Number(stepNs) / 1000 / ticks;
}

const { values } = parseArgs({ options: { seconds: { type: "string", default: "60" }, rounds: { type: "string", default: "5" } } });
const ticks = Math.round(Number(values.seconds) * TICK_RATE);
const rounds = Number(values.rounds);
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A first pass of each, not counted: the JIT warms up.
run(250, ticks);
run(0, ticks);
const on: number[] = [];
const off: number[] = [];
for (let r = 0; r < rounds; r++) {
  on.push(run(250, ticks));
  off.push(run(0, ticks));
}
const percentOfCore = (us: number) => (us * TICK_RATE) / 1e4;
console.log(`Simulation.step, 12 players all firing, ${ticks} steps per round, median of ${rounds} rounds:`);
console.log(`  rewind 250 ms: ${median(on).toFixed(2)} µs/step = ${percentOfCore(median(on)).toFixed(4)} % of a core per room (rounds: ${on.map((x) => x.toFixed(2)).join(", ")})`);
console.log(`  rewind off:    ${median(off).toFixed(2)} µs/step = ${percentOfCore(median(off)).toFixed(4)} % of a core per room (rounds: ${off.map((x) => x.toFixed(2)).join(", ")})`);
console.log(`  rewind costs ${(median(on) - median(off)).toFixed(2)} µs/step = ${percentOfCore(median(on) - median(off)).toFixed(4)} % of a core per room`);

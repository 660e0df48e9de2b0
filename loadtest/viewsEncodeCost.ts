/**
 * `npx tsx loadtest/viewsEncodeCost.ts [--seconds 60] [--rounds 5]`: what Arena's
 * StateViews cost in patch encoding, without a server, network or other load.
 *
 * One 6v6 match's real MatchState, moved by the real rules with the bench bots'
 * intentions, is encoded by Colyseus's own SchemaSerializer.applyPatches (what
 * Room.broadcastPatch runs) for 12 clients, each tick:
 *   - "views": each client holds a StateView like MatchRoom.refreshViews builds
 *     (teammates' TEAM fields, its own SELF fields): one shared encode plus one
 *     encodeView per client;
 *   - "no views": no client holds a view: one shared encode, sent to all.
 * The two alternate for `--rounds` rounds of `--seconds` of simulated ticks;
 * each round replays the same intentions. Prints the encode time per tick
 * (median of the rounds), its share of one core per room at 60 ticks/s, and
 * the bytes per client per tick; and, for scale, what the rules step and the
 * state copy (rooms/matchStateCopy.ts) take per tick, the same in both modes.
 */
import { parseArgs } from "node:util";
import { ClientState, SchemaSerializer } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { Simulation } from "../rooms/match/Simulation";
import { TEAM_SIZE, TICK_RATE, TICK_SECONDS } from "../rooms/match/rules";
import { copyMatchState } from "../rooms/matchStateCopy";
import { MatchState, PlayerState, SELF_VIEW, TEAM_VIEW } from "../schema/MatchState";
import { IntentionGenerator } from "./bot/intentions";

interface FakeClient {
  state: ClientState;
  view?: StateView;
  bytes: number;
  raw(data: Uint8Array): void;
}

/** Simulated ticks of one 6v6 match, encoded for 12 clients with or without views; returns µs per tick and bytes per client per tick. */
function run(withViews: boolean, ticks: number): { stepUsPerTick: number; copyUsPerTick: number; usPerTick: number; bytesPerClientPerTick: number } {
  const sim = new Simulation({ timings: { countdownSeconds: 0.1 } });
  const state = new MatchState();
  const serializer = new SchemaSerializer<MatchState>();
  serializer.reset(state);
  const ids = Array.from({ length: TEAM_SIZE * 2 }, (_, i) => `p${i}`);
  const intentions = ids.map((_, i) => new IntentionGenerator(i + 1));
  for (const id of ids) {
    sim.addPlayer(id, id);
    const ps = new PlayerState();
    ps.name = id;
    state.players.set(id, ps);
  }
  const clients: FakeClient[] = ids.map(() => ({ state: ClientState.JOINED, bytes: 0, raw(data) { this.bytes += data.byteLength; } }));
  if (withViews) {
    clients.forEach((client, i) => {
      const me = sim.players.get(ids[i])!;
      const view = new StateView();
      for (const p of sim.players.values()) if (p.team === me.team) view.add(state.players.get(p.id)!, TEAM_VIEW);
      view.add(state.players.get(me.id)!, SELF_VIEW);
      client.view = view;
    });
  }
  const copy = () => copyMatchState(sim, state);
  copy();
  serializer.applyPatches(clients as never);
  for (const c of clients) c.bytes = 0;
  let stepNs = 0n;
  let copyNs = 0n;
  let encodeNs = 0n;
  for (let t = 0; t < ticks; t++) {
    ids.forEach((id, i) => sim.enqueueInput(id, { seq: t + 1, ...intentions[i].next() }));
    const stepStart = process.hrtime.bigint();
    sim.step(TICK_SECONDS);
    const copyStart = process.hrtime.bigint();
    copy();
    const encodeStart = process.hrtime.bigint();
    serializer.applyPatches(clients as never);
    const end = process.hrtime.bigint();
    stepNs += copyStart - stepStart;
    copyNs += encodeStart - copyStart;
    encodeNs += end - encodeStart;
  }
  return {
    stepUsPerTick: Number(stepNs) / 1000 / ticks,
    copyUsPerTick: Number(copyNs) / 1000 / ticks,
    usPerTick: Number(encodeNs) / 1000 / ticks,
    bytesPerClientPerTick: clients.reduce((n, c) => n + c.bytes, 0) / clients.length / ticks,
  };
}

const { values } = parseArgs({ options: { seconds: { type: "string", default: "60" }, rounds: { type: "string", default: "5" } } });
const ticks = Math.round(Number(values.seconds) * TICK_RATE);
const rounds = Number(values.rounds);
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A first pass of each, not counted: the JIT warms up.
run(true, ticks);
run(false, ticks);
const results = { views: [] as number[], noViews: [] as number[], steps: [] as number[], copies: [] as number[], viewsBytes: 0, noViewsBytes: 0 };
for (let r = 0; r < rounds; r++) {
  const v = run(true, ticks);
  const n = run(false, ticks);
  results.views.push(v.usPerTick);
  results.noViews.push(n.usPerTick);
  results.steps.push(v.stepUsPerTick, n.stepUsPerTick);
  results.copies.push(v.copyUsPerTick, n.copyUsPerTick);
  results.viewsBytes = v.bytesPerClientPerTick;
  results.noViewsBytes = n.bytesPerClientPerTick;
}
const percentOfCore = (us: number) => (us * TICK_RATE) / 1e4;
const views = median(results.views);
const noViews = median(results.noViews);
console.log(`patch encoding for 12 clients, one 6v6 match, ${ticks} ticks per round, median of ${rounds} rounds:`);
console.log(`  views:    ${views.toFixed(2)} µs/tick = ${percentOfCore(views).toFixed(3)} % of a core per room; ${results.viewsBytes.toFixed(1)} B per client per tick (rounds: ${results.views.map((x) => x.toFixed(1)).join(", ")})`);
console.log(`  no views: ${noViews.toFixed(2)} µs/tick = ${percentOfCore(noViews).toFixed(3)} % of a core per room; ${results.noViewsBytes.toFixed(1)} B per client per tick (rounds: ${results.noViews.map((x) => x.toFixed(1)).join(", ")})`);
console.log(`  views cost ${(views - noViews).toFixed(2)} µs/tick = ${percentOfCore(views - noViews).toFixed(3)} % of a core per room`);
console.log(`  the rest of a tick's work outside the sockets, the same in both modes: rules step ${median(results.steps).toFixed(2)} µs, state copy ${median(results.copies).toFixed(2)} µs`);

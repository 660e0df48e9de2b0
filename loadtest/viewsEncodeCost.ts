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
 *   - "views, idle ticks shared": the same views, sent as MatchRoom sends
 *     (server/runtime/sharedPatch.ts): a tick that changed no filtered field is encoded
 *     once for all clients;
 *   - "no views": no client holds a view: one shared encode, sent to all.
 * The three alternate for `--rounds` rounds of `--seconds` of simulated ticks;
 * each round replays the same intentions. Prints the encode time per tick
 * (median of the rounds), its share of one core per room at 60 ticks/s, and
 * the bytes per client per tick; and, for scale, what the rules step and the
 * state copy (rooms/matchStateCopy.ts) take per tick, the same in both modes.
 */
import { parseArgs } from "node:util";
import { TICK_RATE } from "../rooms/match/rules";
import { sendTickPatch } from "../server/runtime/sharedPatch";
import { SimulatedMatch } from "./simulatedMatch";

type Mode = "views" | "shared" | "none";

/** Simulated ticks of one 6v6 match, encoded for 12 clients in `mode`; returns µs per tick and bytes per client per tick. */
function run(mode: Mode, ticks: number): { stepUsPerTick: number; copyUsPerTick: number; usPerTick: number; bytesPerClientPerTick: number; idleTicks: number } {
  const match = new SimulatedMatch(mode !== "none");
  let stepNs = 0n;
  let copyNs = 0n;
  let encodeNs = 0n;
  let idleTicks = 0;
  for (let t = 0; t < ticks; t++) {
    const stepStart = process.hrtime.bigint();
    match.step();
    const copyStart = process.hrtime.bigint();
    match.copy();
    const encodeStart = process.hrtime.bigint();
    if (mode !== "shared") match.send();
    else if (sendTickPatch(match.state, match.clients, () => match.send())) idleTicks++;
    const end = process.hrtime.bigint();
    stepNs += copyStart - stepStart;
    copyNs += encodeStart - copyStart;
    encodeNs += end - encodeStart;
  }
  return {
    stepUsPerTick: Number(stepNs) / 1000 / ticks,
    copyUsPerTick: Number(copyNs) / 1000 / ticks,
    usPerTick: Number(encodeNs) / 1000 / ticks,
    bytesPerClientPerTick: match.bytesPerClient() / ticks,
    idleTicks,
  };
}

const { values } = parseArgs({ options: { seconds: { type: "string", default: "60" }, rounds: { type: "string", default: "5" } } });
const ticks = Math.round(Number(values.seconds) * TICK_RATE);
const rounds = Number(values.rounds);
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const MODES: { mode: Mode; label: string }[] = [
  { mode: "views", label: "views, per client every tick (Colyseus)" },
  { mode: "shared", label: "views, idle ticks shared (MatchRoom)" },
  { mode: "none", label: "no views" },
];
// A first pass of each, not counted: the JIT warms up.
for (const { mode } of MODES) run(mode, ticks);
const perMode = new Map(MODES.map(({ mode }) => [mode, { us: [] as number[], bytes: 0, idle: 0 }]));
const steps: number[] = [];
const copies: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const { mode } of MODES) {
    const result = run(mode, ticks);
    const m = perMode.get(mode)!;
    m.us.push(result.usPerTick);
    m.bytes = result.bytesPerClientPerTick;
    m.idle = result.idleTicks;
    steps.push(result.stepUsPerTick);
    copies.push(result.copyUsPerTick);
  }
}
const percentOfCore = (us: number) => (us * TICK_RATE) / 1e4;
const noViews = median(perMode.get("none")!.us);
console.log(`patch encoding for 12 clients, one 6v6 match, ${ticks} ticks per round, median of ${rounds} rounds:`);
for (const { mode, label } of MODES) {
  const m = perMode.get(mode)!;
  const us = median(m.us);
  const extra = mode === "none" ? "" : `; views cost ${(us - noViews).toFixed(2)} µs/tick over no views`;
  console.log(`  ${label}: ${us.toFixed(2)} µs/tick = ${percentOfCore(us).toFixed(3)} % of a core per room; ${m.bytes.toFixed(1)} B per client per tick${extra} (rounds: ${m.us.map((x) => x.toFixed(1)).join(", ")})`);
}
const idle = perMode.get("shared")!.idle;
console.log(`  ticks that changed no view-filtered field (encoded once for all in MatchRoom): ${idle} of ${ticks} (${((100 * idle) / ticks).toFixed(0)} %)`);
console.log(`  the rest of a tick's work outside the sockets, the same in every mode: rules step ${median(steps).toFixed(2)} µs, state copy ${median(copies).toFixed(2)} µs`);

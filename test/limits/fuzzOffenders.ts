/**
 * The hostile side of test/limits/fuzz.test.ts, in its own process so the
 * attackers' CPU does not slow the server under test. Joins the match
 * FUZZ_ROOM on 127.0.0.1:FUZZ_PORT as one offender after another (two at a
 * time), each sending random and malformed traffic until the server
 * disconnects it, until FUZZ_MESSAGES have been sent. Prints one JSON line:
 * {sent, offenders, closeCodes, stillOpen}.
 */
import type { Room } from "colyseus.js";
import type { MatchState } from "../../schema/MatchState";
import { clientWith, sleep, testToken } from "../helpers";

const port = Number(process.env.FUZZ_PORT);
const roomId = String(process.env.FUZZ_ROOM);
const target = Number(process.env.FUZZ_MESSAGES ?? 10_000);

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(Number(process.env.FUZZ_SEED ?? 1));
const int = (n: number) => Math.floor(rand() * n);
const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
const scalar = (): unknown => [NaN, Infinity, -1, 2 ** 53, "input", "", true, null, -0, 1e308, "\u0000\uffff"][int(11)];
const value = (depth: number): unknown => {
  if (depth <= 0 || rand() < 0.4) return scalar();
  if (rand() < 0.5) return Array.from({ length: int(4) }, () => value(depth - 1));
  return Object.fromEntries(Array.from({ length: int(4) }, () => [["seq", "mx", "my", "aim", "fire", "__proto__", "constructor"][int(7)], value(depth - 1)]));
};
// Hand-made msgpack (a fixarray of one, repeated): deeper than a client-side encoder would go.
const deep = (depth: number) => Uint8Array.from([13, 0xa5, ...Buffer.from("input"), ...new Array(depth).fill(0x91), 1]);
let validSeq = 1;

/** Every kind of bad traffic a hostile client can produce, each as one send. */
const kinds: Array<(room: Room<MatchState>) => void> = [
  // wrong types and shapes for a known message
  (r) => r.send("input", value(4)),
  (r) => r.send("input", { seq: scalar(), mx: scalar(), my: scalar(), aim: scalar(), fire: scalar() }),
  // deep nesting, up to the frame size limit
  (r) => r.connection.send(deep(100 + int(3900))),
  // huge strings: under the frame limit, over it, and over the socket's frame cap
  (r) => r.send("input", { seq: 1, mx: "x".repeat([1000, 3500, 9000, 40_000][int(4)]) }),
  // unknown message types, named and numbered
  (r) => r.send(["teleport", "admin", "__proto__", "", "x".repeat(300)][int(5)], value(2)),
  (r) => r.send(int(1000), value(1)),
  // raw payloads to a handler that expects objects
  (r) => r.sendBytes("input", bytes(int(300))),
  // binary garbage: not a Colyseus frame at all, or one with a garbage body
  (r) => r.connection.send(bytes(1 + int(200))),
  (r) => r.connection.send(Uint8Array.from([13, ...bytes(int(64))])),
  (r) => r.connection.send(Uint8Array.from([17, ...bytes(int(64))])),
  // an oversize frame, past the socket's maxPayload
  (r) => r.connection.send(bytes(70_000)),
  // well-formed inputs, but far too many
  (r) => r.send("input", { seq: validSeq++, mx: 1, my: 1, aim: 0, fire: true }),
];

let sent = 0;
let offenders = 0;
const closeCodes: number[] = [];
const stillOpen: string[] = [];
const arena = { port } as Parameters<typeof clientWith>[0];

async function offend(n: number): Promise<void> {
  const room = await clientWith(arena, await testToken({ name: `Bad${n}`, role: "player" })).joinById<MatchState>(roomId);
  let code: number | undefined;
  const closed = new Promise<number>((resolve) => room.onLeave(resolve)).then((c) => (code = c));
  // Each offender favours a couple of kinds, as real abuse tends to.
  const favourites = [kinds[int(kinds.length)], kinds[int(kinds.length)]];
  for (let i = 0; i < 5000 && code === undefined && room.connection.isOpen; i++) {
    (rand() < 0.7 ? favourites[i % 2] : kinds[int(kinds.length)])(room);
    sent++;
    if (i % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  const result = await Promise.race([closed, sleep(3000).then(() => undefined)]);
  if (result === undefined) stillOpen.push(`Bad${n}`);
  else closeCodes.push(result);
}

async function main(): Promise<void> {
  while (sent < target) await Promise.all([++offenders, ++offenders].map(offend));
  process.stdout.write(`${JSON.stringify({ sent, offenders, closeCodes, stillOpen })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

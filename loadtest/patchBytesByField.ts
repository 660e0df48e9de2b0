/**
 * `npx tsx loadtest/patchBytesByField.ts [--seconds 60]`: where a match's patch
 * bytes go, field by field, without a server or network.
 *
 * One 6v6 match (loadtest/simulatedMatch.ts: the real rules, the bench bots'
 * intentions, 12 clients with their StateViews) sends its patches as MatchRoom
 * does (server/runtime/sharedPatch.ts); Colyseus's own serializer counts the
 * bytes each client is sent. Each tick, every field whose value changed is in
 * the patch (an unchanged value costs nothing): its cost is its tag byte plus
 * its type's size, for every client that sees it (a TEAM field: the 6
 * teammates, a SELF field: the player). A player with a changed field also
 * costs the switch to its structure (a marker byte and its refId). What is left
 * of the serializer's total is the patch message's own framing. Prints bytes per
 * client per tick and per second, by field, largest first.
 */
import { parseArgs } from "node:util";
import { encode } from "@colyseus/schema";
import { TEAM_SIZE, TICK_RATE } from "../rooms/match/rules";
import { sendTickPatch } from "../server/runtime/sharedPatch";
import { MatchState, PlayerState, SELF_VIEW, TEAM_VIEW } from "../schema/MatchState";
import { SimulatedMatch } from "./simulatedMatch";

interface Field {
  name: string;
  type: string;
  tag?: number;
}

/** A schema class's primitive fields, from its metadata. */
function fieldsOf(schema: typeof PlayerState | typeof MatchState): Field[] {
  const metadata = (schema as unknown as Record<symbol, Record<string, Field>>)[Symbol.metadata];
  return Object.values(metadata).filter((f) => typeof f.type === "string");
}

const SIZE: Record<string, number> = { int8: 1, uint8: 1, boolean: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };
const scratch = Buffer.alloc(16);
/** A `number` field's value: a varint of 1 to 9 bytes, as the schema encodes it. */
function varintBytes(value: number): number {
  const it = { offset: 0 };
  encode.number(scratch, value, it);
  return it.offset;
}
/** Bytes of one changed field on the wire: its index byte and its value (a short string: a length byte and its UTF-8). */
const changeBytes = (field: Field, value: unknown) =>
  1 + (field.type === "string" ? 1 + Buffer.byteLength(String(value)) : field.type === "number" ? varintBytes(Number(value)) : SIZE[field.type]);
const CLIENTS = TEAM_SIZE * 2;
/** Of the 12 clients, how many receive a change of a field with this view tag. */
const viewers = (tag: number | undefined) => (tag === TEAM_VIEW ? TEAM_SIZE : tag === SELF_VIEW ? 1 : CLIENTS);

const { values } = parseArgs({ options: { seconds: { type: "string", default: "60" } } });
const ticks = Math.round(Number(values.seconds) * TICK_RATE);
const playerFields = fieldsOf(PlayerState);
const rootFields = fieldsOf(MatchState);
const match = new SimulatedMatch(true);
const bytesByField = new Map<string, number>();
const changesByField = new Map<string, number>();
const count = (name: string, bytes: number) => {
  bytesByField.set(name, (bytesByField.get(name) ?? 0) + bytes);
  changesByField.set(name, (changesByField.get(name) ?? 0) + 1);
};
const read = (ref: object, fields: Field[]) => fields.map((f) => (ref as Record<string, unknown>)[f.name]);

for (let t = 0; t < ticks; t++) {
  match.step();
  const players = [...match.state.players.values()];
  const rootBefore = read(match.state, rootFields);
  const playersBefore = players.map((p) => read(p, playerFields));
  match.copy();
  read(match.state, rootFields).forEach((v, i) => v !== rootBefore[i] && count(rootFields[i].name, changeBytes(rootFields[i], v) * CLIENTS));
  players.forEach((p, n) => {
    let seen = 0;
    read(p, playerFields).forEach((v, i) => {
      if (v === playersBefore[n][i]) return;
      const field = playerFields[i];
      count(`players.${field.name}`, changeBytes(field, v) * viewers(field.tag));
      seen = Math.max(seen, viewers(field.tag));
    });
    // The switch to this player's structure (marker byte, refId), for whoever receives one of its changes.
    if (seen > 0) count("players.* (switch to the player's structure)", 2 * seen);
  });
  sendTickPatch(match.state, match.clients, () => match.send());
}

const total = match.bytesPerClient() / ticks;
const perClientPerTick = (bytes: number) => bytes / CLIENTS / ticks;
const rows = [...bytesByField].map(([name, bytes]) => ({ name, perTick: perClientPerTick(bytes), changes: changesByField.get(name)! / ticks }));
const attributed = rows.reduce((n, r) => n + r.perTick, 0);
rows.push({ name: "patch framing (message code, structure ends)", perTick: total - attributed, changes: NaN });
rows.sort((a, b) => b.perTick - a.perTick);
console.log(`patch bytes per client, one 6v6 match of bench bots, ${ticks} ticks, as MatchRoom sends (views on):`);
console.log(`  total ${total.toFixed(1)} B/tick = ${((total * TICK_RATE) / 1000).toFixed(2)} KB/s before WebSocket framing (2 bytes a frame under 126 B, 4 up to 64 KB)`);
for (const r of rows) {
  const changes = Number.isNaN(r.changes) ? "" : `, ${r.changes.toFixed(2)} changes/tick`;
  console.log(`  ${r.name.padEnd(48)} ${r.perTick.toFixed(1).padStart(6)} B/tick ${((r.perTick * TICK_RATE) / 1000).toFixed(2).padStart(5)} KB/s ${((100 * r.perTick) / total).toFixed(1).padStart(5)} %${changes}`);
}

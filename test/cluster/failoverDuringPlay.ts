import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import type { MatchState } from "../../schema/MatchState";
import type { Broadcast, ChatDelivery, ResetNotice } from "../../schema/serverMessages";
import { testToken, waitFor } from "../helpers";
import type { ArenaNode } from "./ArenaNode";
import { nodeClient, portOf } from "./clients";
import { tickOf } from "../../schema/MatchState";

async function publish(node: ArenaNode, channel: string, payload: unknown): Promise<number> {
  const res = await fetch(`${node.url}/api/channels/${channel}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` },
    body: JSON.stringify({ payload }),
  });
  return res.status;
}

/**
 * The failover check of every replicated Redis topology: a match with a player
 * on each of nodes `a` and `b`, and a display on each (the nodes run with
 * ARENA_LOBBY_MAX_CLIENTS 1) on a fresh channel that has had two publishes; then
 * `failover()` (which resolves once the new master serves). The nodes must find
 * the new master: a publish is taken again (refusals meanwhile are fine, a loss
 * is not), each display has one, two, three once in order with no reset, chat
 * still crosses nodes and the match ticks on.
 */
export async function failoverDuringPlay(a: ArenaNode, b: ArenaNode, failover: () => Promise<void>): Promise<void> {
  const channel = `failover-${Date.now()}`;
  const red = await (await nodeClient(a, "player", "red")).create<MatchState>("match", { team: "red" });
  const blue = await (await nodeClient(b, "player", "blue")).joinById<MatchState>(red.roomId, { team: "blue" });
  await waitFor("both seated", () => red.state.players?.size === 2 && blue.state.players?.size === 2);
  const heard: string[] = [];
  blue.onMessage("chat", (m: ChatDelivery) => heard.push(m.text));
  red.onMessage("chat", () => {});
  const displays: Room[] = [];
  for (const node of [a, b]) displays.push(await (await nodeClient(node, "display", "screen")).joinOrCreate("lobby", { channels: [channel] }));
  assert.deepEqual(displays.map(portOf).sort(), [a.port, b.port].sort(), "a display on each node");
  const resets: ResetNotice[] = [];
  const got = displays.map((room) => {
    const payloads: unknown[] = [];
    room.onMessage("broadcast", (m: Broadcast) => payloads.push(m.payload));
    room.onMessage("reset", (r: ResetNotice) => resets.push(r));
    return payloads;
  });
  for (const payload of ["one", "two"]) assert.equal(await publish(a, channel, payload), 201);
  await waitFor("both displays have the first two", () => got.every((p) => p.length === 2));

  await failover();
  const tickAtFailover = tickOf(red.state);

  await waitFor("a publish taken after the failover", async () => (await publish(b, channel, "three")) === 201, 30_000);
  await waitFor("both displays have the third", () => got.every((p) => p.length === 3), 10_000);
  for (const payloads of got) assert.deepEqual(payloads, ["one", "two", "three"], "each once, in order");
  assert.deepEqual(resets, [], "the numbering went on: no reset");

  red.send("chat", { channel: "all", text: "still here" });
  await waitFor("chat across nodes after the failover", () => heard.includes("still here"), 10_000);
  await waitFor("the match ticking on", () => tickOf(red.state) > tickAtFailover + 60);
  await Promise.all([red.leave(), blue.leave(), ...displays.map((d) => d.leave())]);
}

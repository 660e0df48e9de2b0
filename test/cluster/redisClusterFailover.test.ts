import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import type { MatchState } from "../../schema/MatchState";
import type { Broadcast, ChatDelivery, ResetNotice } from "../../schema/serverMessages";
import { testToken, waitFor } from "../helpers";
import { RedisCluster } from "../redisCluster";
import { ArenaNode, clusterEnv } from "./ArenaNode";
import { nodeClient, portOf } from "./clients";

/**
 * Two nodes on a Redis Cluster of three masters with a replica each: every master
 * fails over to its replica (`CLUSTER FAILOVER`) during a live match and signage.
 * Every master, because the keys Arena writes spread over all slots (a channel's
 * head and log share one hash tag; presence, the node registry and the match
 * listing live elsewhere). The match keeps ticking and its chat crossing nodes,
 * and the channel's numbering goes on with nothing lost, repeated or reset.
 */
describe("two nodes on Redis Cluster, through a failover of every master (real redis-servers, node processes)", function () {
  this.timeout(120_000);
  let cluster: RedisCluster;
  let a: ArenaNode;
  let b: ArenaNode;

  before(async () => {
    cluster = await RedisCluster.start({ replicas: 1 });
    const env = clusterEnv({ REDIS_CLUSTER_NODES: cluster.seeds, ARENA_COUNTDOWN_SECONDS: "60", ARENA_LOBBY_MAX_CLIENTS: "1" });
    [a, b] = await Promise.all([ArenaNode.start(2900, "", env), ArenaNode.start(2901, "", env)]);
  });
  after(async () => {
    await Promise.all([a, b].map((n) => n?.kill()));
    await cluster?.stop();
  });

  async function publish(node: ArenaNode, channel: string, payload: unknown): Promise<number> {
    const res = await fetch(`${node.url}/api/channels/${channel}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` },
      body: JSON.stringify({ payload }),
    });
    return res.status;
  }

  it("keeps the match ticking and its chat, and numbers signage on from where it was, once each, no reset", async () => {
    const channel = `cluster-failover-${Date.now()}`;
    const red = await (await nodeClient(a, "player", "red")).create<MatchState>("match", { team: "red" });
    const blue = await (await nodeClient(b, "player", "blue")).joinById<MatchState>(red.roomId, { team: "blue" });
    await waitFor("both seated", () => red.state.players?.size === 2 && blue.state.players?.size === 2);
    const heard: string[] = [];
    blue.onMessage("chat", (m: ChatDelivery) => heard.push(m.text));
    red.onMessage("chat", () => {});
    const displays: Room[] = [];
    for (const node of [a, b]) displays.push(await (await nodeClient(node, "display", "screen")).joinOrCreate("lobby", { channels: [channel] }));
    assert.deepEqual(displays.map(portOf).sort(), [2900, 2901], "a display on each node");
    const resets: ResetNotice[] = [];
    const got = displays.map((room) => {
      const payloads: unknown[] = [];
      room.onMessage("broadcast", (m: Broadcast) => payloads.push(m.payload));
      room.onMessage("reset", (r: ResetNotice) => resets.push(r));
      return payloads;
    });
    for (const payload of ["one", "two"]) assert.equal(await publish(a, channel, payload), 201);
    await waitFor("both displays have the first two", () => got.every((p) => p.length === 2));

    const mastersBefore = await cluster.masters();
    await cluster.failOverEveryMaster();
    assert.equal((await cluster.masters()).filter((port) => mastersBefore.includes(port)).length, 0, "every master replaced");
    const tickAtFailover = red.state.tick;

    // The nodes follow the slots to the new masters (MOVED); a publish meanwhile may be refused (503), never lost.
    await waitFor("a publish taken after the failover", async () => (await publish(b, channel, "three")) === 201, 30_000);
    await waitFor("both displays have the third", () => got.every((p) => p.length === 3), 10_000);
    for (const payloads of got) assert.deepEqual(payloads, ["one", "two", "three"], "each once, in order");
    assert.deepEqual(resets, [], "the numbering went on: no reset");

    red.send("chat", { channel: "all", text: "still here" });
    await waitFor("chat across nodes after the failover", () => heard.includes("still here"), 10_000);
    await waitFor("the match ticking on", () => red.state.tick > tickAtFailover + 60);
    await Promise.all([red.leave(), blue.leave(), ...displays.map((d) => d.leave())]);
  });
});

import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import type { MatchState } from "../../schema/MatchState";
import type { Broadcast, ChatDelivery } from "../../schema/serverMessages";
import { testToken, waitFor } from "../helpers";
import { RedisCluster } from "../redisCluster";
import { ArenaNode, clusterEnv } from "./ArenaNode";
import { nodeClient, portOf } from "./clients";

/**
 * Two nodes on a Redis Cluster of three masters (REDIS_CLUSTER_NODES): matchmaking,
 * match chat and signage numbering across nodes, as on one Redis.
 */
describe("two nodes on Redis Cluster (real redis-servers, node processes)", function () {
  this.timeout(90_000);
  let cluster: RedisCluster;
  let a: ArenaNode;
  let b: ArenaNode;

  before(async () => {
    cluster = await RedisCluster.start();
    // One display per lobby room: the second display's lobby is placed on the other node.
    const env = clusterEnv({ REDIS_CLUSTER_NODES: cluster.seeds, ARENA_COUNTDOWN_SECONDS: "60", ARENA_LOBBY_MAX_CLIENTS: "1" });
    [a, b] = await Promise.all([ArenaNode.start(2798, "", env), ArenaNode.start(2799, "", env)]);
  });
  after(async () => {
    await Promise.all([a, b].map((n) => n?.kill()));
    await cluster?.stop();
  });

  it("lists both nodes, joins a match by id through the other node, and carries its chat", async () => {
    const operator = { headers: { Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` } };
    await waitFor("both nodes registered", async () => ((await (await fetch(`${a.url}/api/nodes`, operator)).json()) as { nodes: unknown[] }).nodes.length === 2);
    const red = await (await nodeClient(a, "player", "red")).create<MatchState>("match", { team: "red" });
    const blue = await (await nodeClient(b, "player", "blue")).joinById<MatchState>(red.roomId, { team: "blue" });
    await waitFor("both seated", () => red.state.players?.size === 2 && blue.state.players?.size === 2);
    const heard: ChatDelivery[] = [];
    blue.onMessage("chat", (m: ChatDelivery) => heard.push(m));
    red.onMessage("chat", () => {});
    red.send("chat", { channel: "all", text: "gl hf" });
    await waitFor("the chat across", () => heard.some((m) => m.text === "gl hf"));
    await Promise.all([red.leave(), blue.leave()]);
  });

  it("numbers a signage channel once across both nodes and delivers each publish once to displays on each", async () => {
    const channel = `cluster-${Date.now()}`;
    const displays: Room[] = [];
    for (const node of [a, b]) displays.push(await (await nodeClient(node, "display", "screen")).joinOrCreate("lobby", { channels: [channel] }));
    assert.deepEqual(displays.map(portOf).sort(), [2798, 2799], "a display on each node");
    const got = displays.map((room) => {
      const seqs: number[] = [];
      room.onMessage("broadcast", (m: Broadcast) => seqs.push(m.seq));
      return seqs;
    });
    const operator = await testToken({ name: "ops", role: "operator" });
    for (const [i, node] of [a, b, a].entries()) {
      const res = await fetch(`${node.url}/api/channels/${channel}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${operator}` },
        body: JSON.stringify({ payload: i }),
      });
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as { seq: number }).seq, i + 1);
    }
    await waitFor("every display has all three", () => got.every((seqs) => seqs.length === 3));
    for (const seqs of got) assert.deepEqual(seqs, [1, 2, 3]);
    await Promise.all(displays.map((d) => d.leave()));
  });
});

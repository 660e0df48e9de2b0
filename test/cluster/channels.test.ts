import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { SignageDisplay } from "../../client/SignageDisplay";
import type { ChatDelivery } from "../../schema/serverMessages";
import type { Broadcast } from "../../schema/serverMessages";
import type { MatchState } from "../../schema/MatchState";
import { ErrorCode, ErrorMessage } from "../../schema/codes";
import { sleep, testToken, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv, clusterForSuite } from "./ArenaNode";
import { nodeClient } from "./clients";

const NODE_ENV = clusterEnv({
  ARENA_COUNTDOWN_SECONDS: "600",
});

/** A lobby socket subscribed to `channel`, recording broadcasts and resets. */
async function rawDisplay(node: ArenaNode, channel: string) {
  const room = await (await nodeClient(node, "display")).joinOrCreate("lobby", { channels: [channel] });
  const got: Broadcast[] = [];
  const resets: { channel: string; epoch: string }[] = [];
  room.onMessage("broadcast", (b: Broadcast) => got.push(b));
  room.onMessage("reset", (r: { channel: string; epoch: string }) => resets.push(r));
  for (const type of ["rooms", "+", "-", "gap", "error"]) room.onMessage(type, () => {});
  return { room, got, resets };
}

/** A match player recording chat, resets and errors. */
async function chatter(room: Room<MatchState>) {
  const chat: ChatDelivery[] = [];
  const resets: { channel: string; epoch: string }[] = [];
  const errors: ErrorMessage[] = [];
  room.onMessage("chat", (m: ChatDelivery) => chat.push(m));
  room.onMessage("reset", (r: { channel: string; epoch: string }) => resets.push(r));
  room.onMessage("error", (e: ErrorMessage) => errors.push(e));
  for (const type of ["typing", "gap"]) room.onMessage(type, () => {});
  return { room, chat, resets, errors };
}

async function publish(node: ArenaNode, channel: string, payload: unknown): Promise<Response> {
  return fetch(`${node.url}/api/channels/${channel}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` },
    body: JSON.stringify({ payload }),
  });
}

/** Publishes once the node's store answers again (after a Redis restart the node reconnects on its own). */
async function publishWhenBack(node: ArenaNode, channel: string, payload: unknown): Promise<{ epoch: string; seq: number }> {
  let answer: { epoch: string; seq: number } | undefined;
  await waitFor("the store to take publishes again", async () => {
    const res = await publish(node, channel, payload);
    if (res.status === 503) return false;
    assert.equal(res.status, 201, await res.clone().text());
    answer = (await res.json()) as { epoch: string; seq: number };
    return true;
  }, 15_000);
  return answer!;
}

describe("channels on Redis through restarts and outages (real redis-server, node processes)", function () {
  this.timeout(90_000);
  const cluster = clusterForSuite([2701, 2702], NODE_ENV);
  let redis: RedisServer;
  let a: ArenaNode;
  let b: ArenaNode;
  before(() => ({ redis, a, b } = cluster));

  it("bursts of concurrent publishes through both nodes reach every display once each, in seq order", async () => {
    const channel = `burst-${Date.now()}`;
    const displays = await Promise.all([rawDisplay(a, channel), rawDisplay(b, channel), rawDisplay(a, channel), rawDisplay(b, channel)]);
    await sleep(300); // subscriptions reach Redis
    for (let burst = 0; burst < 10; burst++) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => publish(i % 2 ? a : b, channel, { burst, i })));
      for (const res of answers) assert.equal(res.status, 201, await res.text());
    }
    const all = Array.from({ length: 80 }, (_, i) => i + 1);
    await waitFor("every display has 80", () => displays.every((d) => d.got.length >= 80), 10_000);
    for (const d of displays) assert.deepEqual(d.got.map((m) => m.seq), all);
    await Promise.all(displays.map((d) => d.room.leave()));
  });

  it("Redis restarted empty: chat and signage after the restart reach everyone, announced by a reset; with its data, numbering goes on", async () => {
    const channel = `restart-${Date.now()}`;
    const screen = new SignageDisplay({
      endpoint: [a.url, b.url],
      token: await testToken({ name: "screen", role: "display" }),
      channels: [channel],
      reconnect: { initialDelayMs: 200, maxDelayMs: 500 },
    });
    const shown: unknown[] = [];
    screen.onMessage((m) => shown.push(m.payload));
    await screen.start();
    const watcher = await rawDisplay(b, channel);
    const red1 = await chatter(await (await nodeClient(a, "player", "r1")).create<MatchState>("match", { team: "red" }));
    const red2 = await chatter(await (await nodeClient(a, "player", "r2")).joinById<MatchState>(red1.room.roomId, { team: "red" }));
    await sleep(300);

    for (let i = 1; i <= 3; i++) assert.equal((await publish(a, channel, `before ${i}`)).status, 201);
    for (let i = 1; i <= 3; i++) red1.room.send("chat", { channel: "team", text: `before ${i}` });
    await waitFor("before the restart", () => shown.length === 3 && red2.chat.length === 3);
    const oldEpoch = red2.chat[0].epoch;

    await redis.restart();
    const after = await publishWhenBack(b, channel, "after");
    assert.equal(after.seq, 1, "the store lost the numbering");
    red1.room.send("chat", { channel: "team", text: "after" });
    await waitFor("the display shows what was published after the restart", () => shown.includes("after"), 10_000);
    await waitFor("the teammate gets the chat sent after the restart", () => red2.chat.some((m) => m.text === "after"), 10_000);
    const chatAfter = red2.chat.find((m) => m.text === "after")!;
    assert.notEqual(chatAfter.epoch, oldEpoch);
    assert.deepEqual(red2.resets.map((r) => r.channel), ["team-red"], "told the team channel started again");
    await waitFor("the other display's reset", () => watcher.got.some((m) => m.payload === "after"));
    assert.deepEqual(watcher.resets, [{ channel, epoch: after.epoch }]);
    // A display away during the restart resumes from its old position: told, then given the new epoch.
    const oldBroadcastEpoch = watcher.got[0].epoch;
    const returning = await (await nodeClient(b, "display")).joinOrCreate("lobby", { channels: [channel], after: { [channel]: 3 }, epochs: { [channel]: oldBroadcastEpoch } });
    const returned: unknown[] = [];
    returning.onMessage("reset", (r: { epoch: string }) => returned.push(`reset ${r.epoch}`));
    returning.onMessage("broadcast", (m: Broadcast) => returned.push(m.payload));
    for (const type of ["rooms", "+", "-", "gap"]) returning.onMessage(type, () => {});
    await waitFor("the returning display", () => returned.length === 2);
    assert.deepEqual(returned, [`reset ${after.epoch}`, "after"]);
    await returning.leave();

    // With its data Redis keeps the numbering: no reset, the count goes on.
    await redis.restart(0, { keepData: true });
    const kept = await publishWhenBack(a, channel, "kept");
    assert.deepEqual(kept, { channel, epoch: after.epoch, seq: 2 });
    await waitFor("shown after a restart with data", () => shown.includes("kept"), 10_000);
    assert.deepEqual(shown, ["before 1", "before 2", "before 3", "after", "kept"]);
    assert.equal(watcher.resets.length, 1);

    await screen.stop();
    await Promise.all([watcher.room.leave(), red1.room.leave(), red2.room.leave()]);
  });

  it("a Redis outage past ioredis's retry window: publishes answer 503 with Retry-After, chat senders get an error, nothing half-delivered", async () => {
    const channel = `outage-${Date.now()}`;
    const display = await rawDisplay(a, channel);
    const red1 = await chatter(await (await nodeClient(a, "player", "r1")).create<MatchState>("match", { team: "red" }));
    const red2 = await chatter(await (await nodeClient(a, "player", "r2")).joinById<MatchState>(red1.room.roomId, { team: "red" }));
    await sleep(300);
    assert.equal((await publish(a, channel, "before")).status, 201);
    await waitFor("live before", () => display.got.length === 1);

    // Down until the checks below are done: longer than ioredis's ~10 s of retries, however slow the machine.
    await redis.down();
    await waitFor("the node to see the outage", async () => (await publish(a, channel, "probe")).status === 503);
    await sleep(11_000); // the outage's length is the point: past ioredis's retry limit (maxRetriesPerRequest 20)
    const refused = await publish(b, channel, "during");
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, ErrorCode.STORE_UNAVAILABLE);
    red1.room.send("chat", { channel: "team", text: "during" });
    await waitFor("the sender hears its chat was not sent", () => red1.errors.some((e) => e.code === ErrorCode.STORE_UNAVAILABLE));
    await redis.up();

    await publishWhenBack(a, channel, "after");
    red1.room.send("chat", { channel: "team", text: "after" });
    await waitFor("the display gets what was published after the outage", () => display.got.some((m) => m.payload === "after"), 10_000);
    await waitFor("the teammate gets the chat sent after the outage", () => red2.chat.some((m) => m.text === "after"), 10_000);
    assert.ok(!display.got.some((m) => m.payload === "during" || m.payload === "probe"), "a refused publish is never delivered");
    assert.ok(!red2.chat.some((m) => m.text === "during"), "a refused chat is never delivered");
    await Promise.all([display.room.leave(), red1.room.leave(), red2.room.leave()]);
  });
});

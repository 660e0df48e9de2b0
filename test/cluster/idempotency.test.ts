import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import Redis from "ioredis";
import { channelHeadKey, signageChannelKey } from "../../rooms/fanout/keys";
import { ErrorCode } from "../../schema/codes";
import { storedKeyNames } from "../../server/idempotency";
import type { Broadcast } from "../../schema/serverMessages";
import { sleep, testToken, waitFor } from "../helpers";
import { ArenaNode, clusterEnv, clusterForSuite } from "./ArenaNode";
import { nodeClient } from "./clients";

interface Answer {
  status: number;
  body: any;
  replayed: string | null;
  retryAfter: string | null;
}

/** A keyed POST /api/channels/:channel/messages through `node` as the operator `sub`. */
async function publish(node: ArenaNode, channel: string, payload: unknown, key: string, sub = "ops"): Promise<Answer> {
  const res = await fetch(`${node.url}/api/channels/${channel}/messages`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${await testToken({ name: "ops", role: "operator", sub })}`,
      "Idempotency-Key": key,
    },
    body: JSON.stringify({ payload }),
  });
  return { status: res.status, body: await res.json(), replayed: res.headers.get("Idempotent-Replayed"), retryAfter: res.headers.get("Retry-After") };
}

/** A display subscribed to `channel` through `node`, recording what it is delivered. */
async function display(node: ArenaNode, channel: string): Promise<{ room: Room; got: Broadcast[] }> {
  const room = await (await nodeClient(node, "display")).joinOrCreate("lobby", { channels: [channel] });
  const got: Broadcast[] = [];
  room.onMessage("broadcast", (b: Broadcast) => got.push(b));
  for (const type of ["rooms", "+", "-", "gap", "error", "reset"]) room.onMessage(type, () => {});
  return { room, got };
}

let counter = 0;
const fresh = (what: string) => `${what}-${process.pid}-${Date.now()}-${counter++}`;

describe("idempotent publish across two nodes (real redis-server, node processes)", function () {
  this.timeout(60_000);
  const cluster = clusterForSuite([2740, 2741], clusterEnv());
  let a: ArenaNode;
  let b: ArenaNode;
  before(() => ({ a, b } = cluster));

  it("a key first used through node A and retried through node B publishes once", async () => {
    const channel = fresh("retry");
    const screens = [await display(a, channel), await display(b, channel)];
    await sleep(300); // subscriptions reach Redis
    const key = fresh("key");
    const first = await publish(a, channel, "once", key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const retry = await publish(b, channel, "once", key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.replayed, "true");
    const conflict = await publish(b, channel, "another", key);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, ErrorCode.IDEMPOTENCY_CONFLICT);

    const next = await publish(b, channel, "next", fresh("key"));
    assert.equal(next.body.seq, first.body.seq + 1, "the retry took no seq");
    await waitFor("both deliveries on both nodes", () => screens.every((s) => s.got.length >= 2));
    await sleep(200);
    for (const s of screens) assert.deepEqual(s.got.map((m) => m.payload), ["once", "next"]);
    await Promise.all(screens.map((s) => s.room.leave()));
  });

  it("concurrent requests with one key through both nodes publish once and all answer its seq", async () => {
    const channel = fresh("burst");
    const screen = await display(b, channel);
    await sleep(300);
    const key = fresh("key");
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => publish(i % 2 ? b : a, channel, { go: true }, key)));
    for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(new Set(answers.map((x) => x.body.seq)), new Set([1]));
    assert.equal(answers.filter((x) => x.replayed === null).length, 1, "one publish, the rest replays");
    await waitFor("the delivery", () => screen.got.length >= 1);
    await sleep(200);
    assert.equal(screen.got.length, 1);
    await screen.room.leave();
  });

  it("a publish that fails frees its key: the retry through the other node publishes", async () => {
    const channel = fresh("failing");
    const screen = await display(a, channel);
    await sleep(300);
    // A channel head of the wrong type makes the publish script fail (WRONGTYPE) while presence still works.
    const redis = new Redis(cluster.redis.url);
    const head = channelHeadKey(signageChannelKey(channel));
    try {
      await redis.set(head, "not a hash");
      const key = fresh("key");
      const failed = await publish(a, channel, "after a failure", key);
      assert.equal(failed.status, 500, JSON.stringify(failed.body));
      await redis.del(head);
      const retry = await publish(b, channel, "after a failure", key);
      assert.equal(retry.status, 201, JSON.stringify(retry.body));
      assert.equal(retry.replayed, null, "the failed request left no answer");
      assert.equal(retry.body.seq, 1);
      assert.deepEqual((await publish(a, channel, "after a failure", key)).body, retry.body);
    } finally {
      redis.disconnect();
    }
    await waitFor("the delivery", () => screen.got.length >= 1);
    await sleep(200);
    assert.deepEqual(screen.got.map((m) => m.payload), ["after a failure"]);
    await screen.room.leave();
  });

  it("a key claimed by a request that never answers (its node died mid-publish) is 409 idempotency_in_progress until the claim lapses", async () => {
    const channel = fresh("orphaned");
    const screen = await display(b, channel);
    await sleep(300);
    const key = fresh("key");
    // The claim as a node writes it before publishing, left behind: nobody will record an answer.
    const redis = new Redis(cluster.redis.url);
    const { claim } = storedKeyNames("channels", "ops", key);
    try {
      await redis.multi().hincrby(claim, "claims", 1).expire(claim, 5).exec();
    } finally {
      redis.disconnect();
    }
    const waiting = await publish(a, channel, "eventually", key);
    assert.equal(waiting.status, 409, JSON.stringify(waiting.body));
    assert.equal(waiting.body.error.code, ErrorCode.IDEMPOTENCY_IN_PROGRESS);
    assert.equal(waiting.retryAfter, "1");
    let published: Answer | undefined;
    await waitFor("the claim to lapse", async () => {
      published = await publish(b, channel, "eventually", key);
      if (published.status === 409) assert.equal(published.body.error.code, ErrorCode.IDEMPOTENCY_IN_PROGRESS);
      return published.status !== 409;
    }, 15_000);
    assert.equal(published!.status, 201, JSON.stringify(published!.body));
    assert.equal(published!.replayed, null);
    await waitFor("the delivery", () => screen.got.length >= 1);
    await sleep(200);
    assert.deepEqual(screen.got.map((m) => m.payload), ["eventually"]);
    await screen.room.leave();
  });

  // Last: Redis comes back empty.
  it("while Redis is down a keyed publish answers 503 store_unavailable at once; once it is back the retry publishes once", async () => {
    const channel = fresh("outage");
    const key = fresh("key");
    const ready = async () => (await fetch(`${a.url}/readyz`).catch(() => undefined))?.status === 200;
    const back = cluster.redis.restart(4000);
    await waitFor("node A to see Redis gone", async () => !(await ready()));
    const startedAt = Date.now();
    const refused = await publish(a, channel, "through the outage", key);
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, ErrorCode.STORE_UNAVAILABLE);
    assert.equal(refused.retryAfter, "1");
    assert.ok(Date.now() - startedAt < 2000, `answered in ${Date.now() - startedAt} ms, not after ioredis's retries`);
    await back;
    await waitFor("node A ready again", ready, 15_000);
    const retry = await publish(a, channel, "through the outage", key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal(retry.replayed, null);
    const again = await publish(b, channel, "through the outage", key);
    assert.deepEqual([again.body, again.replayed], [retry.body, "true"]);
  });
});

import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { ErrorCode } from "../../schema/codes";
import type { Broadcast } from "../../schema/serverMessages";
import { arenaForSuite, ArenaTestServer, clientWith, sleep, testToken, waitFor } from "../helpers";

interface Answer {
  status: number;
  body: any;
  replayed: string | null;
}

/** POST /api/channels/:channel/messages as `token`, with `key` as its Idempotency-Key when given. */
async function publish(arena: ArenaTestServer, token: string, channel: string, payload: unknown, key?: string): Promise<Answer> {
  const res = await fetch(`${arena.httpUrl}/api/channels/${channel}/messages`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${token}`,
      ...(key === undefined ? {} : { "Idempotency-Key": key }),
    },
    body: JSON.stringify({ payload }),
  });
  return { status: res.status, body: await res.json(), replayed: res.headers.get("Idempotent-Replayed") };
}

/** A display subscribed to `channel`, recording what it is delivered. */
async function display(arena: ArenaTestServer, channel: string): Promise<{ room: Room; got: Broadcast[] }> {
  const room = await clientWith(arena, await testToken({ name: "screen", role: "display" })).joinOrCreate("lobby", { channels: [channel] });
  const got: Broadcast[] = [];
  room.onMessage("broadcast", (b: Broadcast) => got.push(b));
  for (const type of ["rooms", "+", "-", "gap", "error", "reset"]) room.onMessage(type, () => {});
  return { room, got };
}

let counter = 0;
const fresh = (what: string) => `${what}-${process.pid}-${Date.now()}-${counter++}`;

describe("idempotent publish (Idempotency-Key)", () => {
  const arena = arenaForSuite(2730, { ARENA_PUBLISH_REQUESTS_PER_MINUTE: "100000" });
  let operator: string;
  before(async () => {
    operator = await testToken({ name: "ops", role: "operator", sub: "operator-one" });
  });

  it("a retry with the same key answers the first {channel, epoch, seq} and delivers nothing again", async () => {
    const channel = fresh("retry");
    const screen = await display(arena.server, channel);
    const key = fresh("key");
    const first = await publish(arena.server, operator, channel, { slide: 1 }, key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.replayed, null);
    const retry = await publish(arena.server, operator, channel, { slide: 1 }, key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.replayed, "true");

    // A publish without a key comes next in the numbering: the retry took no seq.
    const next = await publish(arena.server, operator, channel, { slide: 2 });
    assert.equal(next.body.seq, first.body.seq + 1);
    await waitFor("both deliveries", () => screen.got.length >= 2);
    await sleep(100);
    assert.deepEqual(screen.got.map((b) => b.payload), [{ slide: 1 }, { slide: 2 }]);
  });

  it("five concurrent requests with one key publish once and all answer its seq", async () => {
    const channel = fresh("burst");
    const screen = await display(arena.server, channel);
    const key = fresh("key");
    const answers = await Promise.all(Array.from({ length: 5 }, () => publish(arena.server, operator, channel, { slide: "once" }, key)));
    for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(new Set(answers.map((a) => a.body.seq)), new Set([1]));
    assert.equal(answers.filter((a) => a.replayed === null).length, 1, "one publish, four replays");
    await waitFor("the delivery", () => screen.got.length >= 1);
    const next = await publish(arena.server, operator, channel, "after");
    assert.equal(next.body.seq, 2);
    await waitFor("the next delivery", () => screen.got.length >= 2);
    assert.deepEqual(screen.got.map((b) => b.payload), [{ slide: "once" }, "after"]);
  });

  it("the same key with another body or channel is refused with 409 idempotency_conflict, delivering nothing", async () => {
    const [channel, other] = [fresh("conflict"), fresh("conflict-other")];
    const screens = [await display(arena.server, channel), await display(arena.server, other)];
    const key = fresh("key");
    // Key order inside the body does not make another request.
    const first = await publish(arena.server, operator, channel, { a: 1, b: [1, 2] }, key);
    assert.equal(first.status, 201);
    assert.deepEqual((await publish(arena.server, operator, channel, { b: [1, 2], a: 1 }, key)).body, first.body);

    for (const [to, payload] of [[channel, { a: 2, b: [1, 2] }], [other, { a: 1, b: [1, 2] }]] as const) {
      const refused = await publish(arena.server, operator, to, payload, key);
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, ErrorCode.IDEMPOTENCY_CONFLICT);
    }
    await waitFor("the first delivery", () => screens[0].got.length >= 1);
    assert.equal(screens[0].got.length, 1);
    const next = await publish(arena.server, operator, other, "first on other");
    assert.equal(next.body.seq, 1, "nothing was published on the other channel");
    await waitFor("the other delivery", () => screens[1].got.length >= 1);
    assert.deepEqual(screens[1].got.map((b) => b.payload), ["first on other"]);
  });

  it("a malformed key is refused with 400 invalid_request and publishes nothing", async () => {
    const channel = fresh("malformed");
    for (const key of ["", "k".repeat(256), "has space", "caf\u00e9", "tab\there"]) {
      const refused = await publish(arena.server, operator, channel, "never", key);
      assert.equal(refused.status, 400, `${JSON.stringify(key)}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error.code, ErrorCode.INVALID_REQUEST);
    }
    const longest = await publish(arena.server, operator, channel, "longest key", "k".repeat(255));
    assert.equal(longest.status, 201, JSON.stringify(longest.body));
    assert.equal(longest.body.seq, 1, "none of the refused requests published");
  });

  it("another operator identity's use of the same key is independent", async () => {
    const channel = fresh("identities");
    const screen = await display(arena.server, channel);
    const other = await testToken({ name: "ops", role: "operator", sub: "operator-two" });
    const key = fresh("key");
    const mine = await publish(arena.server, operator, channel, "same", key);
    const theirs = await publish(arena.server, other, channel, "same", key);
    assert.deepEqual([mine.status, theirs.status], [201, 201]);
    assert.deepEqual([mine.body.seq, theirs.body.seq], [1, 2]);
    assert.deepEqual((await publish(arena.server, other, channel, "same", key)).body, theirs.body);
    assert.deepEqual((await publish(arena.server, operator, channel, "same", key)).body, mine.body);
    await waitFor("both deliveries", () => screen.got.length >= 2);
    await sleep(100);
    assert.deepEqual(screen.got.map((b) => b.seq), [1, 2]);
  });
});

describe("idempotent publish: the window", () => {
  const arena = arenaForSuite(2731, { ARENA_IDEMPOTENCY_SECONDS: "1" });

  it("a key is remembered for ARENA_IDEMPOTENCY_SECONDS; after that it publishes again", async () => {
    const operator = await testToken({ name: "ops", role: "operator" });
    const channel = fresh("window");
    const key = fresh("key");
    const first = await publish(arena.server, operator, channel, "tick", key);
    assert.equal(first.body.seq, 1);
    assert.equal((await publish(arena.server, operator, channel, "tick", key)).replayed, "true");
    let later: Answer | undefined;
    await waitFor("the key to be forgotten", async () => {
      later = await publish(arena.server, operator, channel, "tick", key);
      return later.replayed === null;
    }, 5000);
    assert.equal(later!.status, 201);
    assert.equal(later!.body.seq, 2);
  });
});

import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import type { UserBatchAnswer, UserMessage } from "../../schema/serverMessages";
import type { Role } from "../../server/auth/identity";
import { Operator } from "../../client/Operator";
import type { ArenaHttpError } from "../../client/http";
import { ErrorCode } from "../../schema/codes";
import { sleep, testToken, waitFor } from "../helpers";
import type { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv, clusterForSuite } from "./ArenaNode";
import { clientWithToken, portOf } from "./clients";

const NODE_ENV = clusterEnv({
  // One client per lobby room, so devices spread over both nodes.
  ARENA_LOBBY_MAX_CLIENTS: "1",
});

const token = (sub: string, role: Role = "display") => testToken({ name: sub.slice(0, 20), role, sub });

/** A lobby connection of identity `sub` through `node`, recording its user channel. */
async function device(node: ArenaNode, sub: string) {
  const room: Room = await clientWithToken(node, await token(sub)).joinOrCreate("lobby", { userChannel: true });
  const got: UserMessage[] = [];
  room.onMessage("user", (m: UserMessage) => got.push(m));
  for (const type of ["rooms", "+", "-", "gap", "reset", "error"]) room.onMessage(type, () => {});
  return { room, got, payloads: () => got.map((m) => m.payload) };
}

/**
 * A device of `sub` on another node than `other`: placement picks the least loaded node from counts Redis gets
 * about once a second, so a device that lands beside `other` is kept (it is another device of the same
 * identity) and another is made until one lands elsewhere.
 */
async function deviceAwayFrom(other: Room, via: ArenaNode, sub: string): Promise<Awaited<ReturnType<typeof device>>> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const d = await device(via, sub);
    if (portOf(d.room) !== portOf(other)) return d;
    await sleep(1100);
  }
  throw new Error(`no device of ${sub} landed away from node ${portOf(other)}`);
}

async function push(node: ArenaNode, sub: string, payload: unknown): Promise<{ seq: number; epoch: string }> {
  const res = await fetch(`${node.url}/api/users/${sub}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token("backend", "service")}` },
    body: JSON.stringify({ payload }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { seq: number; epoch: string };
}

describe("user channels across two nodes (real redis-server, node processes)", function () {
  this.timeout(60_000);
  const cluster = clusterForSuite([2751, 2752], NODE_ENV);
  let a: ArenaNode;
  let b: ArenaNode;
  let redis: RedisServer;
  before(() => ({ a, b, redis } = cluster));

  it("pushes reach exactly the identity's devices on both nodes once; a device's post reaches its sibling on the other node, not itself; an away device resumes in order", async () => {
    const [alice, bob] = [`alice-${Date.now()}`, `bob-${Date.now()}`];
    const alicePhone = await device(a, alice);
    const aliceTv = await deviceAwayFrom(alicePhone.room, b, alice);
    const bobPhone = await device(a, bob);
    const bobTv = await deviceAwayFrom(bobPhone.room, b, bob);
    await sleep(300); // subscriptions reach Redis

    await push(a, alice, "for alice");
    await push(b, bob, "for bob");
    await waitFor("each identity's devices", () => [alicePhone, aliceTv, bobPhone, bobTv].every((d) => d.got.length === 1));
    await sleep(200);
    assert.deepEqual([alicePhone.payloads(), aliceTv.payloads()], [["for alice"], ["for alice"]]);
    assert.deepEqual([bobPhone.payloads(), bobTv.payloads()], [["for bob"], ["for bob"]]);

    alicePhone.room.send("user", { payload: "handoff" });
    await waitFor("the sibling on the other node", () => aliceTv.got.length === 2);
    await sleep(200);
    assert.deepEqual(alicePhone.payloads(), ["for alice"], "not back to the sender");
    assert.deepEqual(bobTv.payloads(), ["for bob"], "nothing to another identity");

    // The TV goes away; three pushes through either node; it comes back through the other node from its position.
    const { epoch, seq } = aliceTv.got[1];
    await aliceTv.room.leave();
    for (const [node, payload] of [[a, "m1"], [b, "m2"], [a, "m3"]] as const) await push(node, alice, payload);
    const room: Room = await clientWithToken(a, await token(alice)).joinOrCreate("lobby", {
      userChannel: true,
      after: { [`user-${alice}`]: seq }, epochs: { [`user-${alice}`]: epoch },
    });
    const back: UserMessage[] = [];
    room.onMessage("user", (m: UserMessage) => back.push(m));
    for (const type of ["rooms", "+", "-", "gap", "reset"]) room.onMessage(type, () => {});
    await waitFor("caught up", () => back.length === 3);
    assert.deepEqual(back.map((m) => [m.seq, m.payload]), [[seq + 1, "m1"], [seq + 2, "m2"], [seq + 3, "m3"]]);
    await Promise.all([alicePhone.room.leave(), bobPhone.room.leave(), bobTv.room.leave(), room.leave()]);
  });

  it("a batch through one node reaches devices on both in order; while Redis is down the batch answers 503 whole and nothing of it is delivered", async () => {
    const alice = `alice-batch-${Date.now()}`;
    const phone = await device(a, alice);
    const tv = await deviceAwayFrom(phone.room, b, alice);
    await sleep(300);
    const backend = new Operator({ endpoint: b.url, token: await token("backend", "service") });
    const sent = await backend.pushToUsers([{ sub: alice, payload: 1 }, { sub: alice, payload: 2 }]);
    assert.deepEqual(sent.results.map((r) => ("seq" in r ? r.seq : r)), [1, 2]);
    await waitFor("both devices have both", () => phone.got.length === 2 && tv.got.length === 2);
    assert.deepEqual([phone.payloads(), tv.payloads()], [[1, 2], [1, 2]]);

    const outage = redis.restart(3000, { keepData: true }); // down 3 s, back with its data
    await waitFor("node B to see Redis down", async () => (await fetch(`${b.url}/readyz`)).status === 503);
    const refused = await backend.pushToUsers([{ sub: alice, payload: "during" }]).then(() => undefined, (e: ArenaHttpError) => e);
    assert.equal(refused!.status, 503);
    assert.equal(refused!.code, ErrorCode.STORE_UNAVAILABLE);
    await outage;
    let after: UserBatchAnswer | undefined;
    await waitFor("the store back", async () => (after = await backend.pushToUsers([{ sub: alice, payload: 3 }]).catch(() => undefined)) !== undefined, 20_000);
    assert.equal("seq" in after!.results[0] && after!.results[0].seq, 3, "the refused batch took no seq");
    await waitFor("the push after the outage", () => phone.got.length === 3 && tv.got.length === 3, 10_000);
    assert.deepEqual(phone.payloads(), [1, 2, 3]);
    await Promise.all([phone.room.leave(), tv.room.leave()]);
  });
});

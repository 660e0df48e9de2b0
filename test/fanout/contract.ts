import assert from "node:assert/strict";
import type { Presence } from "@colyseus/core";
import type { RedisPresence } from "@colyseus/redis-presence";
import { channelStoreFor } from "../../rooms/fanout";
import type { ChannelStore } from "../../rooms/fanout/ChannelStore";
import { Fanout, FanoutMessage } from "../../rooms/fanout/Fanout";
import { StepCalendar } from "../../server/runtime/StepCalendar";
import { Subscription } from "../../rooms/fanout/Subscription";
import { presenceTopic } from "../../rooms/fanout/keys";
import { sleep, waitFor } from "../helpers";

export interface BackendNode {
  presence: Presence;
  store: ChannelStore;
}

export interface PresenceFactory {
  /** Presence and channel store for one simulated node; all nodes of a test share one backend. */
  node(): BackendNode;
  cleanup(): Promise<void>;
}

/** Nodes on one Redis backend, each a presence made by `presenceOf` (one Redis, a Cluster, Sentinel) with its channel store. */
export function redisNodes(presenceOf: () => RedisPresence): () => Promise<PresenceFactory> {
  return async () => {
    const nodes: RedisPresence[] = [];
    return {
      node: () => {
        const presence = presenceOf();
        nodes.push(presence);
        return { presence, store: channelStoreFor(presence, 5) };
      },
      cleanup: async () => {
        for (const presence of nodes) presence.shutdown();
      },
    };
  };
}

/** A sink collecting what a Subscription hands over, resets included. */
function recorder() {
  const seqs: number[] = [];
  const resets: string[] = [];
  const gaps: number[] = [];
  const sink = { message: (m: FanoutMessage) => seqs.push(m.seq), gap: (_k: string, after: number) => gaps.push(after), reset: (_k: string, epoch: string) => resets.push(epoch) };
  return { seqs, resets, gaps, sink };
}

/** `store` whose reads, once `on`, answer 100 ms after they were taken (`taken` tells when one was). */
function slowReadsOf(store: ChannelStore) {
  const slow = { on: false, taken: false, store };
  slow.store = Object.create(store, {
    read: {
      value: async (key: string, after: number) => {
        const log = await store.read(key, after);
        if (slow.on) {
          slow.taken = true;
          await sleep(100);
        }
        return log;
      },
    },
  });
  return slow;
}

/**
 * The fan-out contract, run against every presence backend (in-process and Redis).
 * Two Fanout instances with their own presence connections stand for two nodes.
 */
export function fanoutContract(backend: string, makeFactory: () => Promise<PresenceFactory>): void {
  describe(`fan-out contract on ${backend}`, () => {
    let factory: PresenceFactory;
    let nodeA: Fanout;
    let nodeB: Fanout;
    let presenceB: Presence;
    let n = 0;
    // A fresh channel per test: backends persist between tests.
    const channel = () => `test-${process.pid}-${Date.now()}-${n++}`;

    const fanoutOn = ({ presence, store }: BackendNode) => new Fanout(store, presence, new StepCalendar());

    beforeEach(async () => {
      factory = await makeFactory();
      nodeA = fanoutOn(factory.node());
      const b = factory.node();
      presenceB = b.presence;
      nodeB = fanoutOn(b);
    });
    afterEach(() => factory.cleanup());

    /** Until the backend has node B's subscription to `key`: a publish before it would not reach node B. */
    /** Both nodes receive `key`'s stream: their SUBSCRIBEs answered (a slower connection, as through Sentinel, may lag). */
    async function subscribedOnBoth(key: string): Promise<void> {
      await Promise.all([nodeA.streamLive(key), nodeB.streamLive(key)]);
      await waitFor(`node B subscribed to ${key}`, async () => (await presenceB.channels(presenceTopic(key))).length > 0);
    }

    function collect(fanout: Fanout, key: string): FanoutMessage[] {
      const got: FanoutMessage[] = [];
      fanout.subscribe(key, (m) => got.push(m));
      return got;
    }

    it("numbers messages per channel from 1", async () => {
      const [k1, k2] = [channel(), channel()];
      assert.equal((await nodeA.publish(k1, "a")).seq, 1);
      assert.equal((await nodeB.publish(k1, "b")).seq, 2);
      assert.equal((await nodeA.publish(k2, "c")).seq, 1);
    });

    it("delivers each publish exactly once to every subscriber on every node, and nothing from other channels", async () => {
      const key = channel();
      const local = collect(nodeA, key);
      const remote1 = collect(nodeB, key);
      const remote2 = collect(nodeB, key);
      const other = collect(nodeB, channel());
      await subscribedOnBoth(key);
      await nodeA.publish(key, { text: "hello" });
      await nodeA.publish(key, { text: "again" });
      await waitFor("remote delivery", () => remote1.length === 2 && remote2.length === 2);
      await new Promise((r) => setTimeout(r, 50));
      for (const got of [local, remote1, remote2]) assert.deepEqual(got.map((m) => m.seq), [1, 2]);
      assert.deepEqual(remote1[0].payload, { text: "hello" });
      assert.equal(other.length, 0);
    });

    it("keeps a bounded backlog and says when history has a gap", async () => {
      const key = channel();
      for (let i = 1; i <= 8; i++) await nodeA.publish(key, i);
      const recent = await nodeB.history(key, { seq: 5 });
      assert.deepEqual(recent.messages.map((m) => m.payload), [6, 7, 8]);
      assert.equal(recent.gap, false);
      const old = await nodeB.history(key, { seq: 1 });
      assert.deepEqual(old.messages.map((m) => m.seq), [4, 5, 6, 7, 8], "only the last 5 kept");
      assert.equal(old.gap, true);
      assert.deepEqual((await nodeB.history(key, { seq: 8 })).messages, []);
      assert.equal((await nodeB.history(key, { seq: 8 })).gap, false);
    });

    it("retains the last message for late joiners", async () => {
      const key = channel();
      assert.equal(await nodeB.retained(key), undefined);
      await nodeA.publish(key, "first");
      await nodeA.publish(key, "current");
      assert.equal((await nodeB.retained(key))?.payload, "current");
    });

    it("delivers ephemeral messages to current subscribers without storing them", async () => {
      const key = channel();
      const got = collect(nodeB, key);
      await subscribedOnBoth(key);
      nodeA.ephemeral(key, "typing");
      await waitFor("ephemeral delivery", () => got.length === 1);
      assert.equal(got[0].seq, 0);
      assert.deepEqual((await nodeA.history(key, { seq: 0 })).messages, []);
      assert.equal(await nodeA.retained(key), undefined);
    });

    it("a paused subscription resumes with exactly the missed messages, in order", async () => {
      const key = channel();
      const got: number[] = [];
      const sub = new Subscription(nodeB, key, { message: (m) => got.push(m.seq), gap: () => assert.fail("no gap expected"), reset: () => assert.fail("no reset expected") }, { seq: 0 });
      await sub.ready;
      await subscribedOnBoth(key);
      await nodeA.publish(key, "before");
      await waitFor("first", () => got.length === 1);
      sub.pause();
      for (let i = 0; i < 4; i++) await nodeA.publish(key, `while away ${i}`);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(got, [1]);
      await sub.resume({ epoch: sub.epoch, seq: 1 });
      await nodeA.publish(key, "after");
      await waitFor("all", () => got.length === 6);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(got, [1, 2, 3, 4, 5, 6]);
      sub.close();
    });

    it("tells a resuming subscriber when the backlog no longer holds what it missed", async () => {
      const key = channel();
      for (let i = 0; i < 8; i++) await nodeA.publish(key, i);
      const gaps: number[] = [];
      const got: number[] = [];
      const sub = new Subscription(nodeB, key, { message: (m) => got.push(m.seq), gap: (_k, after) => gaps.push(after), reset: () => assert.fail("no reset expected") }, { seq: 1 });
      await sub.ready;
      assert.deepEqual(gaps, [1]);
      assert.deepEqual(got, [4, 5, 6, 7, 8]);
      sub.close();
    });

    it("starts a subscription at the retained message, or at the next one", async () => {
      const key = channel();
      await nodeA.publish(key, "old");
      await nodeA.publish(key, "current");
      const retained: unknown[] = [];
      const latest: unknown[] = [];
      const sink = (into: unknown[]) => ({ message: (m: FanoutMessage) => into.push(m.payload), gap: () => {}, reset: () => {} });
      const a = new Subscription(nodeB, key, sink(retained), "retained");
      const b = new Subscription(nodeB, key, sink(latest), "latest");
      await Promise.all([a.ready, b.ready]);
      await nodeA.publish(key, "next");
      await waitFor("live message", () => retained.length === 2 && latest.length === 1);
      assert.deepEqual(retained, ["current", "next"]);
      assert.deepEqual(latest, ["next"]);
      a.close();
      b.close();
    });

    it("removes its presence subscription when the last local subscriber leaves", async () => {
      const c = factory.node();
      const presence = c.presence;
      const fanout = fanoutOn(c);
      const key = channel();
      const off1 = fanout.subscribe(key, () => {});
      const off2 = fanout.subscribe(key, () => {});
      await waitFor("subscribed", async () => (await presence.channels(presenceTopic(key))).length > 0);
      off1();
      assert.equal(fanout.subscriberCount(key), 1);
      off2();
      await waitFor("unsubscribed", async () => (await presence.channels(presenceTopic(key))).length === 0);
    });

    it("drop forgets a channel", async () => {
      const key = channel();
      await nodeA.publish(key, "x");
      await nodeA.drop(key);
      assert.equal(await nodeB.head(key), undefined);
      assert.deepEqual((await nodeB.history(key, { seq: 0 })).messages, []);
    });
    it("a subscription is ready only once its node receives the stream: a publish right after reaches it, however slow the SUBSCRIBE", async () => {
      // A node whose subscriber connection answers later than its command connection (still connecting, or busy).
      const node = factory.node();
      const slowSubscribe: Presence = Object.create(node.presence, {
        subscribe: { value: async (topic: string, cb: (...args: any[]) => void) => (await sleep(100), node.presence.subscribe(topic, cb)) },
      });
      const slow = fanoutOn({ presence: slowSubscribe, store: node.store });
      const key = channel();
      const got = recorder();
      const sub = new Subscription(slow, key, got.sink, "latest");
      await sub.ready;
      await nodeA.publish(key, "only");
      await waitFor("the one message", () => got.seqs.length === 1, 1000).catch(() => {});
      assert.deepEqual(got.seqs, [1], "a message published once the subscription was ready is delivered");
      sub.close();
    });

    it("a burst larger than the backlog during a catch-up still reaches the subscriber whole, in order", async () => {
      // The backlog holds 5: what arrives live while a catch-up reads must not depend on it.
      const node = factory.node();
      const slow = slowReadsOf(node.store);
      const fanout = fanoutOn({ presence: node.presence, store: slow.store });
      const key = channel();
      const got = recorder();
      const sub = new Subscription(fanout, key, got.sink, "latest");
      await sub.ready;
      sub.pause();
      await nodeA.publish(key, "missed while paused");
      slow.on = true;
      const resumed = sub.resume(); // reads seq 1 from the backlog, answers 100 ms later
      await waitFor("the catch-up's read", () => slow.taken);
      for (let i = 0; i < 8; i++) await nodeA.publish(key, { i }); // seqs 2..9 arrive live meanwhile; the backlog keeps 5..9
      await resumed;
      await waitFor("all 9", () => got.seqs.length >= 9, 2000).catch(() => {});
      assert.deepEqual(got.seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(got.gaps, [], "no gap: nothing was lost");
      sub.close();
    });

    it("a message published while a catch-up reads a store that lost the channel is delivered, announced by a reset", async () => {
      const node = factory.node();
      const slow = slowReadsOf(node.store);
      const fanout = fanoutOn({ presence: node.presence, store: slow.store });
      const key = channel();
      const got = recorder();
      const sub = new Subscription(fanout, key, got.sink, "latest");
      await sub.ready;
      await nodeA.publish(key, "old");
      await waitFor("the old message", () => got.seqs.length === 1);
      sub.pause();
      await nodeA.drop(key); // Redis restarted empty
      slow.on = true;
      const resumed = sub.resume(); // reads the empty store, answers 100 ms later
      await waitFor("the catch-up's read", () => slow.taken);
      const fresh = await nodeA.publish(key, "new"); // arrives live during the read
      await resumed;
      await waitFor("the new epoch's message", () => got.seqs.length === 2, 2000).catch(() => {});
      assert.deepEqual(got.seqs, [1, 1]);
      assert.deepEqual(got.resets, [fresh.epoch]);
      sub.close();
    });

    it("delivers bursts of concurrent publishes from both nodes to every subscriber once each, in seq order", async () => {
      const key = channel();
      const onA = recorder();
      const onB = recorder();
      const subs = [new Subscription(nodeA, key, onA.sink, "latest"), new Subscription(nodeB, key, onB.sink, "latest")];
      await Promise.all(subs.map((s) => s.ready));
      await subscribedOnBoth(key);
      const published: number[] = [];
      for (let burst = 0; burst < 5; burst++) {
        const seqs = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? nodeA : nodeB).publish(key, { burst, i })));
        published.push(...seqs.map((m) => m.seq));
      }
      const all = Array.from({ length: 40 }, (_, i) => i + 1);
      assert.deepEqual([...published].sort((x, y) => x - y), all);
      await waitFor("both nodes' subscribers have all 40", () => onA.seqs.length >= 40 && onB.seqs.length >= 40).catch((error: Error) => {
        // Which seqs each side missed says whether a hole went unseen (nothing after it) or a catch-up stalled.
        const missing = (seqs: number[]) => all.filter((s) => !seqs.includes(s)).join(",");
        assert.fail(`${error.message}; A missing [${missing(onA.seqs)}], B missing [${missing(onB.seqs)}]`);
      });
      assert.deepEqual(onA.seqs, all);
      assert.deepEqual(onB.seqs, all);
      subs.forEach((s) => s.close());
    });

    it("starts a new epoch when the store lost a channel, and tells a subscriber of the old one with a reset", async () => {
      const key = channel();
      const first = await nodeA.publish(key, "old 1");
      await nodeA.publish(key, "old 2");
      const got = recorder();
      const sub = new Subscription(nodeB, key, got.sink, "latest");
      await sub.ready;
      await subscribedOnBoth(key);
      await nodeA.drop(key); // what Redis restarted empty does to every channel
      const fresh = await nodeA.publish(key, "new 1");
      assert.equal(fresh.seq, 1);
      assert.notEqual(fresh.epoch, first.epoch);
      await nodeA.publish(key, "new 2");
      await waitFor("the new epoch's messages", () => got.seqs.length === 2);
      assert.deepEqual(got.seqs, [1, 2], "nothing of the new epoch dropped as already seen");
      assert.deepEqual(got.resets, [fresh.epoch]);
      sub.close();
    });

    it("answers a reader of another epoch with a reset and the new epoch from its start", async () => {
      const key = channel();
      const old = await nodeA.publish(key, "old");
      for (let i = 0; i < 3; i++) await nodeA.publish(key, `old ${i}`);
      await nodeA.drop(key);
      const fresh = await nodeA.publish(key, "new");
      const history = await nodeB.history(key, { epoch: old.epoch, seq: 4 });
      assert.equal(history.reset, true);
      assert.equal(history.epoch, fresh.epoch);
      assert.deepEqual(history.messages.map((m) => m.payload), ["new"]);
      const unknownEpoch = await nodeB.history(key, { seq: 4 });
      assert.equal(unknownEpoch.reset, true, "a seq past the head cannot be of this epoch");
      const resumed = recorder();
      const sub = new Subscription(nodeB, key, resumed.sink, { epoch: old.epoch, seq: 4 });
      await sub.ready;
      assert.deepEqual(resumed.resets, [fresh.epoch]);
      assert.deepEqual(resumed.seqs, [1]);
      sub.close();
    });
  });
}

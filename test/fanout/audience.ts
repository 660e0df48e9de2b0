import assert from "node:assert/strict";
import { ChannelAudience } from "../../rooms/fanout/ChannelAudience";
import { AT_ONCE_PER_TURN, DELIVERY_CHUNK, LONGEST_TURN_MS, NextTick } from "../../rooms/fanout/DeliveryTurns";
import { Fanout, FanoutMessage } from "../../rooms/fanout/Fanout";
import { StepCalendar } from "../../server/runtime/StepCalendar";
import type { PresenceFactory } from "./contract";
import { waitFor } from "../helpers";

/** Writes made between two runs of other work on the loop, how long that took, and whether a room's delivery started or ended in it. */
interface WriteRun {
  writes: number;
  ms: number;
  starts: boolean;
  ends: boolean;
}

/** What members of an audience were written, gaps and resets included, per member. */
function audienceRecorder() {
  const seqs = new Map<string, number[]>();
  const gaps = new Map<string, number[]>();
  const resets = new Map<string, string[]>();
  let encoded = 0;
  /** Members whose socket is backed up, with what lets them read again. */
  const backedUp = new Map<string, { until: Promise<void>; release: () => void }>();
  const push = <T>(map: Map<string, T[]>, id: string, value: T) => {
    let list = map.get(id);
    if (!list) map.set(id, (list = []));
    list.push(value);
  };
  const output = {
    encode: (m: FanoutMessage) => {
      encoded++;
      return Buffer.from(String(m.seq));
    },
    write: (id: string, bytes: Buffer) => push(seqs, id, Number(bytes.toString())),
    gap: (id: string, after: number) => push(gaps, id, after),
    reset: (id: string, epoch: string) => push(resets, id, epoch),
    whenWritable: (id: string) => backedUp.get(id)?.until,
  };
  /** Member `id`'s socket holds too much unsent until the returned function is called. */
  const backUp = (id: string) => {
    let release!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    backedUp.set(id, { until, release: () => (backedUp.delete(id), release()) });
    return () => backedUp.get(id)?.release();
  };
  return { output, backUp, seqs: (id: string) => seqs.get(id) ?? [], gaps: (id: string) => gaps.get(id) ?? [], resets: (id: string) => resets.get(id) ?? [], encodedCount: () => encoded };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * A room's audience on a channel, over every backend: one subscription and one
 * encoding per message, each member written every message after its start
 * once, in order, in slices.
 */
export function audienceContract(backend: string, makeFactory: () => Promise<PresenceFactory>): void {
  describe(`channel audience on ${backend}`, () => {
    let factory: PresenceFactory;
    let publisher: Fanout;
    let local: Fanout;
    let n = 0;
    const channel = () => `audience-${process.pid}-${Date.now()}-${n++}`;

    beforeEach(async () => {
      factory = await makeFactory();
      const a = factory.node();
      const b = factory.node();
      publisher = new Fanout(a.store, a.presence, new StepCalendar());
      local = new Fanout(b.store, b.presence, new StepCalendar());
    });
    afterEach(() => factory.cleanup());

    it("writes bursts of concurrent publishes to a thousand members once each, in order, encoding each message once", async () => {
      const key = channel();
      const got = audienceRecorder();
      const audience = new ChannelAudience(local, key, got.output);
      const ids = range(1, 1007).map((i) => `m${i}`);
      await Promise.all(ids.map((id) => audience.join(id, "latest")));
      const c = factory.node();
      const other = new Fanout(c.store, c.presence, new StepCalendar());
      for (let burst = 0; burst < 3; burst++) {
        await Promise.all(range(1, 8).map((i) => (i % 2 ? publisher : other).publish(key, { burst, i })));
      }
      await waitFor("every member has all 24", () => ids.every((id) => got.seqs(id).length >= 24));
      for (const id of ids) assert.deepEqual(got.seqs(id), range(1, 24), `member ${id}`);
      assert.equal(got.encodedCount(), 24, "each message encoded once for all members");
      audience.close();
    });

    /**
     * The writes made between two runs of other work on the loop (a probe re-armed with setImmediate, as a
     * tick's timer or a socket read would get its turn), and the time between those two runs, while one
     * large publish reaches two rooms' audiences. A run is marked where a room's delivery starts (its
     * message arrived: on Redis the second room's may come after the first room's delivery is done) and
     * where one ends (nothing of that room left to write).
     */
    async function writeRuns(ticks: NextTick, members: number): Promise<WriteRun[]> {
      const node = factory.node();
      const deliveringNode = new Fanout(node.store, node.presence, ticks);
      const key = channel();
      let writes = 0;
      let run: WriteRun = { writes: 0, ms: 0, starts: false, ends: false };
      let probedAt = performance.now();
      const runs: WriteRun[] = [];
      const counting = () => {
        const got = audienceRecorder();
        let roomWrites = 0;
        got.output.write = () => {
          writes++;
          run.writes++;
          roomWrites++;
          if (roomWrites === 1) run.starts = true;
          if (roomWrites === members) run.ends = true;
        };
        return got.output;
      };
      const rooms = [new ChannelAudience(deliveringNode, key, counting()), new ChannelAudience(deliveringNode, key, counting())];
      const ids = range(1, members).map((i) => `m${i}`);
      await Promise.all(rooms.flatMap((audience) => ids.map((id) => audience.join(id, "latest"))));
      const probe = () => {
        const now = performance.now();
        if (run.writes > 0) runs.push({ ...run, ms: now - probedAt });
        run = { writes: 0, ms: 0, starts: false, ends: false };
        probedAt = now;
        if (writes < 2 * members) setImmediate(probe);
      };
      probe();
      await publisher.publish(key, "large");
      await waitFor("every member of both rooms has it", () => writes === 2 * members && runs.reduce((sum, r) => sum + r.writes, 0) === writes);
      rooms.forEach((audience) => audience.close());
      return runs;
    }

    const shown = (runs: WriteRun[]) => runs.map((r) => `${r.writes} in ${r.ms.toFixed(1)} ms${r.starts ? " (starts)" : ""}${r.ends ? " (ends)" : ""}`).join(", ");

    it("writes a large delivery, over every room's audience of the node together, in turns that end when a tick is due", async () => {
      const runs = await writeRuns({ nextDueAt: () => performance.now() }, 1000);
      // Where a delivery starts with nothing waiting, its first writes are made at once on arrival; every
      // other run is one chunk a turn while a tick is due.
      assert.ok(runs.filter((r) => !r.starts).every((r) => r.writes <= DELIVERY_CHUNK), `runs between other work: ${shown(runs)}`);
      assert.ok(runs.every((r) => r.writes <= AT_ONCE_PER_TURN + DELIVERY_CHUNK), `runs between other work: ${shown(runs)}`);
    });

    it("uses the time up to the next tick: with no tick near, a turn gives other work its go only when the longest turn is up", async () => {
      const runs = await writeRuns(new StepCalendar(), 1000);
      // A run where a delivery starts (writes made at once on arrival) or ends (nothing left) stops there;
      // every other turn ended on the clock, not at a chunk (how many writes fit in a turn depends on the machine).
      const cut = runs.filter((r) => !r.starts && !r.ends);
      assert.ok(cut.every((r) => r.ms >= LONGEST_TURN_MS), `runs between other work: ${shown(runs)}`);
    });

    it("starts members at the retained message, at a position or from now on, during a burst, each getting what follows its start once", async () => {
      const key = channel();
      for (let i = 1; i <= 3; i++) await publisher.publish(key, i);
      const got = audienceRecorder();
      const audience = new ChannelAudience(local, key, got.output);
      await audience.join("live", "latest");
      const publishing = (async () => {
        for (let i = 4; i <= 12; i++) await publisher.publish(key, i);
      })();
      await Promise.all([audience.join("retained", "retained"), audience.join("after-1", { seq: 1 })]);
      await publishing;
      await waitFor("all caught up", () => got.seqs("live").at(-1) === 12 && got.seqs("retained").at(-1) === 12 && got.seqs("after-1").at(-1) === 12);
      assert.deepEqual(got.seqs("live"), range(4, 12));
      assert.deepEqual(got.seqs("after-1"), range(2, 12));
      const retained = got.seqs("retained");
      assert.deepEqual(retained, range(retained[0], 12), "from the message retained when it joined, in order, once");
      assert.ok(retained[0] <= 4);
      audience.close();
    });

    it("resumes a paused member with exactly what it missed while the others went on", async () => {
      const key = channel();
      const got = audienceRecorder();
      const audience = new ChannelAudience(local, key, got.output);
      await Promise.all([audience.join("away", "latest"), audience.join("here", "latest")]);
      await publisher.publish(key, 1);
      await waitFor("first", () => got.seqs("away").length === 1);
      audience.pause("away");
      for (let i = 2; i <= 4; i++) await publisher.publish(key, i);
      await waitFor("the other member goes on", () => got.seqs("here").length === 4);
      assert.deepEqual(got.seqs("away"), [1]);
      assert.deepEqual(audience.positionOf("away")?.seq, 1);
      await audience.resume("away");
      await publisher.publish(key, 5);
      await waitFor("both have 5", () => got.seqs("away").at(-1) === 5 && got.seqs("here").at(-1) === 5);
      assert.deepEqual(got.seqs("away"), range(1, 5));
      assert.deepEqual(got.seqs("here"), range(1, 5));
      audience.close();
    });

    it("paces a catch-up to a member that does not read: nothing more is written to it until it has read, then the rest in order", async () => {
      const key = channel();
      const got = audienceRecorder();
      for (let i = 1; i <= 5; i++) await publisher.publish(key, i);
      const audience = new ChannelAudience(local, key, got.output);
      await audience.join("reader", "latest");
      // Its socket backs up after its third message.
      const originalWrite = got.output.write;
      let release: (() => void) | undefined;
      got.output.write = (id, bytes) => {
        originalWrite(id, bytes);
        if (got.seqs(id).length === 3) release = got.backUp(id);
      };
      const joined = audience.join("slow", { seq: 0 });
      await waitFor("the first slice written", () => release !== undefined);
      await publisher.publish(key, 6);
      await waitFor("the live member has the new message", () => got.seqs("reader").at(-1) === 6);
      assert.deepEqual(got.seqs("slow"), [1, 2, 3], "nothing more while it has not read");
      release!();
      await joined;
      await waitFor("the slow member caught up", () => got.seqs("slow").at(-1) === 6);
      assert.deepEqual(got.seqs("slow"), range(1, 6));
      audience.close();
    });

    it("tells a member starting behind the backlog one gap, then writes what is kept", async () => {
      const key = channel();
      for (let i = 1; i <= 8; i++) await publisher.publish(key, i);
      const got = audienceRecorder();
      const audience = new ChannelAudience(local, key, got.output);
      await audience.join("behind", { seq: 1 });
      assert.deepEqual(got.gaps("behind"), [1]);
      assert.deepEqual(got.seqs("behind"), range(4, 8), "the 5 the backlog keeps");
      audience.close();
    });

    it("tells each member one reset when the store lost the channel, then the new epoch from its start", async () => {
      const key = channel();
      const got = audienceRecorder();
      const audience = new ChannelAudience(local, key, got.output);
      await Promise.all([audience.join("a", "latest"), audience.join("b", "latest")]);
      await publisher.publish(key, "old");
      await waitFor("old", () => got.seqs("a").length === 1 && got.seqs("b").length === 1);
      await publisher.drop(key);
      const fresh = await publisher.publish(key, "new 1");
      await publisher.publish(key, "new 2");
      await waitFor("the new epoch", () => got.seqs("a").length === 3 && got.seqs("b").length === 3);
      for (const id of ["a", "b"]) {
        assert.deepEqual(got.seqs(id), [1, 1, 2], `member ${id}: the old message, then the new epoch from seq 1`);
        assert.deepEqual(got.resets(id), [fresh.epoch], `member ${id}: one reset`);
      }
      audience.close();
    });

    it("skips a member a message is not for without holding up its next one", async () => {
      const key = channel();
      const got = audienceRecorder();
      const audience = new ChannelAudience(local, key, { ...got.output, wants: (id, m) => (m.payload as { from: string }).from !== id });
      await Promise.all([audience.join("a", "latest"), audience.join("b", "latest")]);
      await publisher.publish(key, { from: "a" });
      await publisher.publish(key, { from: "b" });
      await publisher.publish(key, { from: "server" });
      await waitFor("both have the server's", () => got.seqs("a").at(-1) === 3 && got.seqs("b").at(-1) === 3);
      assert.deepEqual(got.seqs("a"), [2, 3]);
      assert.deepEqual(got.seqs("b"), [1, 3]);
      audience.close();
    });
  });
}

import assert from "node:assert/strict";
import fs from "node:fs";
import { counterValue, histogramBuckets, parsePrometheusText, Sample } from "../../loadtest/bench/promText";
import { QUEUE_TRIM_WINDOW_TICKS } from "../../rooms/match/Simulation";
import { encodeInputFrame } from "../../schema/inputFrame";
import { arenaForSuite, joinMatch, testToken, waitFor } from "../helpers";
import { ackOf } from "../../schema/MatchState";

/** What ops scrape: GET /metrics and /healthz while a match is played (figures are compared before and after). */
describe("server metrics", () => {
  const arena = arenaForSuite(2579, { ARENA_COUNTDOWN_SECONDS: "30" });

  async function scrape(): Promise<Sample[]> {
    const res = await fetch(`${arena.server.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    return parsePrometheusText(await res.text());
  }

  it("answers /healthz", async () => {
    const res = await fetch(`${arena.server.httpUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).ok, true);
  });

  // Listing every handle, resource or open descriptor walks every socket of the node: with 10,000 sockets a
  // scrape that did so held the loop about 20 ms, and a match's tick with it.
  it("answers a scrape without listing the process's sockets", async () => {
    const listings: string[] = [];
    const spy = <T extends object, K extends keyof T>(target: T, key: K, name: string) => {
      const original = target[key] as (...args: unknown[]) => unknown;
      target[key] = function (this: unknown, ...args: unknown[]) {
        if (name !== "readdirSync" || String(args[0]).startsWith("/proc/self/fd")) listings.push(name);
        return original.apply(this, args);
      } as T[K];
      return () => void (target[key] = original as T[K]);
    };
    const restore = [
      spy(process as unknown as { _getActiveHandles: () => unknown[] }, "_getActiveHandles", "_getActiveHandles"),
      spy(process, "getActiveResourcesInfo", "getActiveResourcesInfo"),
      spy(fs, "readdirSync", "readdirSync"),
    ];
    try {
      const samples = await scrape();
      assert.ok(samples.some((s) => s.name === "process_cpu_seconds_total"), "the process's own figures are still there");
    } finally {
      for (const undo of restore) undo();
    }
    assert.deepEqual(listings, []);
  });

  it("counts rooms, clients, ticks, patch and message bytes, messages in and out, refused and skipped inputs, errors and disconnects", async () => {
    const before = await scrape();
    const red = await joinMatch(arena.server, "Red", { team: "red" });
    const blue = await joinMatch(arena.server, "Blue", { team: "blue" });
    await waitFor("both seated", () => red.state.players?.size === 2 && blue.state.players?.size === 2);
    red.onMessage("error", () => {});
    red.onMessage("chat", () => {});
    blue.onMessage("chat", () => {});

    red.sendBytes("input", encodeInputFrame({ seq: 1, mx: 1, my: 0, aim: 0, fire: false }));
    red.send("input", { seq: 2, mx: 5, my: 0, aim: 0, fire: false }); // clamped to 1
    red.send("input", { seq: 2, mx: 0, my: 0, aim: 0, fire: false }); // stale: refused with an error
    red.send("chat", { channel: "all", text: "gl hf" });
    await waitFor("inputs applied", () => ackOf(red.state, red.state.players.get(red.sessionId)!) === 2);

    const during = await scrape();
    const at = (samples: Sample[], name: string, labels: Record<string, string>) => counterValue(samples, name, labels);
    const grew = (name: string, labels: Record<string, string>) => at(during, name, labels) - at(before, name, labels);
    assert.equal(grew("arena_rooms", { type: "match" }), 1);
    assert.equal(grew("arena_clients", { type: "match" }), 2);
    const ticks = histogramBuckets(during, "arena_tick_duration_seconds", { type: "match" });
    assert.ok(ticks.at(-1)!.count > 0, "no tick recorded");
    assert.ok(grew("arena_simulation_steps_total", { type: "match" }) > 0);
    assert.ok(grew("arena_bytes_sent_total", { type: "match", kind: "patch" }) > 0, "no patch bytes");
    // Joins rebuild every view: their first patches go per view. The ticks after them, with nothing
    // private changing, go out shared (how soon depends on when each client's join completes).
    assert.ok(grew("arena_patches_total", { type: "match", encoding: "per_view" }) > 0, "no per-view patch");
    const sharedPatches = async () => at(await scrape(), "arena_patches_total", { type: "match", encoding: "shared" });
    const sharedBefore = at(before, "arena_patches_total", { type: "match", encoding: "shared" });
    await waitFor("a shared patch", async () => (await sharedPatches()) > sharedBefore);
    assert.ok(grew("arena_bytes_sent_total", { type: "match", kind: "message" }) > 0, "no message bytes (chat, error)");
    assert.equal(grew("arena_messages_in_total", { type: "match", message: "input" }), 3);
    assert.equal(grew("arena_messages_in_total", { type: "match", message: "chat" }), 1);
    assert.ok(grew("arena_messages_out_total", { type: "match", message: "chat" }) >= 2, "chat to both players");
    assert.equal(grew("arena_inputs_rejected_total", { reason: "clamped" }), 1);
    assert.equal(grew("arena_inputs_rejected_total", { reason: "stale" }), 1);
    assert.equal(grew("arena_errors_sent_total", { code: "stale_input" }), 1);

    await blue.leave(true);
    await waitFor("blue gone", () => red.state.players.size === 1);
    const after = await scrape();
    assert.equal(at(during, "arena_clients", { type: "match" }) - at(after, "arena_clients", { type: "match" }), 1);
    assert.equal(grew("arena_inputs_rejected_total", { reason: "trimmed" }), 0, "nothing stood in the queue");

    // A burst that stands in the queue for a whole trim window: its excess is skipped, and counted.
    // Two windows and two more: whichever tick of a window it lands on, some window ends with 2+ still waiting.
    const burst = 2 * QUEUE_TRIM_WINDOW_TICKS + 2;
    for (let seq = 3; seq < 3 + burst; seq++) red.sendBytes("input", encodeInputFrame({ seq, mx: 0, my: 1, aim: 0, fire: false }));
    await waitFor("the burst applied or skipped", () => ackOf(red.state, red.state.players.get(red.sessionId)!) === 2 + burst);
    const trimmed = at(await scrape(), "arena_inputs_rejected_total", { reason: "trimmed" }) - at(before, "arena_inputs_rejected_total", { reason: "trimmed" });
    assert.ok(trimmed > 0 && trimmed < burst, `trimmed ${trimmed} of a burst of ${burst}`);
    assert.equal(at(after, "arena_disconnects_total", { type: "match", code: "4000" }) - at(before, "arena_disconnects_total", { type: "match", code: "4000" }), 1);
  });
});

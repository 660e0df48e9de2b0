import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { MatchRoom } from "../../rooms/MatchRoom";
import { arenaForSuite, joinMatch, waitFor } from "../helpers";
import { ackOf } from "../../schema/MatchState";

const run = promisify(execFile);

describe("fuzzing a live match", () => {
  const arena = arenaForSuite(2664, {
    ARENA_COUNTDOWN_SECONDS: "0.2",
    ARENA_ROUND_SECONDS: "600",
    ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "100000",
  });

  it("survives 10,000+ random and malformed messages: keeps ticking, keeps serving the others, disconnects every offender", async function () {
    this.timeout(120_000);
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const good = [await joinMatch(arena.server, "Red", { team: "red" }), await joinMatch(arena.server, "Blue", { team: "blue" })];
    const server = arena.server.getRoomById(good[0].roomId) as unknown as MatchRoom;
    await waitFor("live round", () => good[0].state.phase === "live");

    // The good players play on: one input per tick (aim turning, so every tick changes state), patches timed.
    const patchTimes: number[][] = good.map(() => []);
    const goodLeft: number[] = [];
    good.forEach((room, i) => {
      room.onStateChange(() => patchTimes[i].push(performance.now()));
      room.onLeave((code) => goodLeft.push(code));
      // Offenders seated on a team leave team notices when they are closed: not what this test measures.
      room.onMessage("chat", () => {});
    });
    let goodSeq = 0;
    const play = setInterval(() => {
      goodSeq++;
      for (const room of good) room.send("input", { seq: goodSeq, mx: 0, my: 0, aim: goodSeq / 10, fire: false });
    }, 1000 / 60);

    // The attackers run in their own process (test/limits/fuzzOffenders.ts).
    const attackStart = performance.now();
    const offenders = run(join(__dirname, "../../node_modules/.bin/tsx"), [join(__dirname, "fuzzOffenders.ts")], {
      env: { ...process.env, FUZZ_PORT: String(arena.server.port), FUZZ_ROOM: server.roomId, FUZZ_SEED: String(seed), FUZZ_MESSAGES: "10000" },
    });
    // Measure the room only while the attack is on (the child's own start-up excluded).
    await waitFor("the first offender", () => server.clients.length > 2, 30_000);
    const start = performance.now();
    const startSteps = server.simulationSteps;
    // The report is the last line (@colyseus/tools prints its .env notice first).
    const report = JSON.parse((await offenders).stdout.trim().split("\n").pop()!) as { sent: number; offenders: number; closeCodes: number[]; stillOpen: string[] };
    const seconds = (performance.now() - start) / 1000;
    const steps = server.simulationSteps - startSteps;
    clearInterval(play);

    assert.ok(report.sent >= 10_000, `${report.sent} sent`);
    assert.deepEqual(report.stillOpen, [], `offenders the server never disconnected (seed ${seed})`);
    assert.equal(report.closeCodes.length, report.offenders);
    assert.deepEqual(goodLeft, [], "the good players were never disconnected");
    // Wide tolerance: the precise rate is the benchmark's job; a stalled room would be far below.
    assert.ok(steps >= seconds * 60 * 0.75, `${steps} steps in ${seconds.toFixed(1)} s (seed ${seed})`);
    for (const times of patchTimes) {
      const during = times.filter((t) => t >= start);
      const longestGap = Math.max(...during.slice(1).map((t, i) => t - during[i]));
      assert.ok(during.length >= seconds * 60 * 0.5, `${during.length} patches in ${seconds.toFixed(1)} s (seed ${seed})`);
      assert.ok(longestGap < 500, `longest gap between patches ${longestGap.toFixed(0)} ms (seed ${seed})`);
    }
    await waitFor("the good players' last inputs applied", () => good.every((r) => ackOf(r.state, r.state.players.get(r.sessionId)!) === goodSeq));
    const byCode = report.closeCodes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    console.log(
      `      seed ${seed}: ${report.sent} messages from ${report.offenders} offenders in ${seconds.toFixed(1)} s ` +
        `(${((performance.now() - attackStart) / 1000).toFixed(1)} s with start-up), ${steps} steps; closes by code ${JSON.stringify(byCode)}`,
    );
  });
});

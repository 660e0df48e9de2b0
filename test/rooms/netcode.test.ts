import assert from "node:assert/strict";
import { ackOf, MatchState, tickOf } from "../../schema/MatchState";
import { ErrorCode, ErrorMessage } from "../../schema/codes";
import { QUEUE_TRIM_WINDOW_TICKS } from "../../rooms/match/Simulation";
import { ARENA, COMBAT } from "../../rooms/match/rules";
import { POSITION_SCALE } from "../../schema/scales";
import { arenaForSuite, playerClient, waitFor } from "../helpers";

const env = {
  ARENA_COUNTDOWN_SECONDS: "0.2",
  // Generous: the claimed tick must stay inside the bound however loaded the test machine is.
  ARENA_REWIND_MS: "1000",
  // The shooter walks into range with one burst of inputs.
  ARENA_INPUT_QUEUE: "200",
};

describe("match room lag compensation", () => {
  const arena = arenaForSuite(2700, env);

  it("publishes the tick, and judges a fire input at the tick it carries", async () => {
    const red = await (await playerClient(arena.server, "red")).joinOrCreate<MatchState>("match", { team: "red" });
    const blue = await (await playerClient(arena.server, "blue")).joinOrCreate<MatchState>("match", { team: "blue" });
    const errors: ErrorMessage[] = [];
    red.onMessage("error", (e) => errors.push(e));
    const them = () => red.state.players.get(blue.sessionId)!;
    await waitFor("the round to start", () => red.state.phase === "live" && red.state.players.size === 2);
    const tick = tickOf(red.state);
    await waitFor("the tick to advance", () => tickOf(red.state) > tick);

    // Red (spawn x=120, y=150) walks right into range of blue (x=1480, y=150): open ground along y=150.
    const walk = 130;
    // In steps no longer than the queue trim window (so none is skipped), each applied before the next is sent.
    for (let seq = 1; seq <= walk; seq++) {
      red.send("input", { seq, mx: 1, my: 0, aim: 0, fire: false });
      if (seq % QUEUE_TRIM_WINDOW_TICKS === 0 || seq === walk) await waitFor("red walking", () => ackOf(red.state, red.state.players.get(red.sessionId)!) === seq);
    }
    assert.equal(them().y, 1500, "blue on red's line of fire");
    const seen = tickOf(red.state);

    // Blue steps 37 units down, out of the line (radius 16), before red's shot arrives.
    for (let seq = 1; seq <= 10; seq++) blue.send("input", { seq, mx: 0, my: 1, aim: Math.PI, fire: false });
    await waitFor("blue out of the line", () => ackOf(red.state, them()) === 10);
    assert.ok(them().y - 1500 > ARENA.playerRadius * POSITION_SCALE, `blue at y=${them().y / POSITION_SCALE}`);

    red.send("input", { seq: walk + 1, mx: 0, my: 0, aim: 0, fire: true, tick: seen });
    await waitFor("the shot judged", () => ackOf(red.state, red.state.players.get(red.sessionId)!) === walk + 1);
    await waitFor("blue hit where red saw it", () => them().hp === COMBAT.maxHp - COMBAT.damage);
    assert.deepEqual(errors, []);
  });

  it("refuses a malformed tick with invalid_message and keeps serving", async () => {
    const conn = await (await playerClient(arena.server)).joinOrCreate<MatchState>("match");
    const errors: ErrorMessage[] = [];
    conn.onMessage("error", (e) => errors.push(e));
    const bad = [-1, 1.5, "7", 2 ** 32, null, NaN];
    for (const tick of bad) conn.send("input", { seq: 1, mx: 0, my: 0, aim: 0, fire: true, tick });
    await waitFor("every refusal", () => errors.length === bad.length);
    assert.ok(errors.every((e) => e.code === ErrorCode.INVALID_MESSAGE && /tick/.test(e.message)), JSON.stringify(errors));
    conn.send("input", { seq: 1, mx: 0, my: 0, aim: 0, fire: true, tick: 0xffff_ffff });
    await waitFor("the valid input applied", () => ackOf(conn.state, conn.state.players.get(conn.sessionId)!) === 1);
    assert.equal(errors.length, bad.length);
  });
});

import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { QUEUE_TRIM_WINDOW_TICKS } from "../../rooms/match/Simulation";
import { ackOf, MatchState } from "../../schema/MatchState";
import { arenaForSuite, joinLiveMatch, waitFor } from "../helpers";

/**
 * The scoreboard fields (kills, deaths) are copied when an event names the
 * player, not every tick (rooms/matchStateCopy.ts): a kill must reach every client.
 */
describe("match scoreboard", () => {
  const arena = arenaForSuite(2580, { ARENA_COUNTDOWN_SECONDS: "0.2" });

  /** Sends `count` inputs from `seq` on, in bursts no longer than the queue trim window (none is skipped), each applied before the next. */
  async function play(room: Room<MatchState>, from: number, count: number, intent: { mx: number; aim: number; fire: boolean }): Promise<number> {
    let seq = from;
    while (seq < from + count) {
      const end = Math.min(from + count, seq + QUEUE_TRIM_WINDOW_TICKS);
      for (; seq < end; seq++) room.send("input", { seq: seq + 1, mx: intent.mx, my: 0, aim: intent.aim, fire: intent.fire });
      await waitFor("inputs applied", () => ackOf(room.state, room.state.players.get(room.sessionId)!) === seq);
    }
    return seq;
  }

  it("a kill shows in the killer's kills and the victim's deaths on every client", async () => {
    const all = await joinLiveMatch(arena.server, [["Red", "red"], ["Blue", "blue"], ["Mate", "red"]]);
    const [red, blue] = all;
    const stats = (c: Room<MatchState>, id: string) => c.state.players.get(id)!;
    assert.ok(all.every((c) => stats(c, red.sessionId).kills === 0 && stats(c, blue.sessionId).deaths === 0));

    // Red (spawn x=120, y=150) walks right into range of blue (x=1480, y=150), then fires along y=150.
    let seq = await play(red, 0, 130, { mx: 1, aim: 0, fire: false });
    for (let burst = 0; burst < 30 && stats(red, blue.sessionId).hp > 0; burst++) seq = await play(red, seq, QUEUE_TRIM_WINDOW_TICKS, { mx: 0, aim: 0, fire: true });
    for (const c of all) {
      await waitFor("the kill on every client", () => stats(c, red.sessionId).kills === 1 && stats(c, blue.sessionId).deaths === 1);
      assert.equal(stats(c, red.sessionId).deaths, 0);
      assert.equal(stats(c, blue.sessionId).kills, 0);
    }
  });
});

import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { ackOf, MatchState, tickOf } from "../../schema/MatchState";
import { QUEUE_TRIM_WINDOW_TICKS } from "../../rooms/match/Simulation";
import { CloseCode, ErrorCode } from "../../schema/codes";
import { arenaForSuite, clientWith, joinMatch, testToken, waitFor } from "../helpers";

type Conn = Room<MatchState>;

describe("spectate room: a read-only view of a match", () => {
  const arena = arenaForSuite(2760, { ARENA_COUNTDOWN_SECONDS: "30", ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "10000" });

  const player = (name: string, team: "red" | "blue"): Promise<Conn> => joinMatch(arena.server, name, { team });

  async function spectator(match: string, role: "player" | "display" = "display"): Promise<Conn> {
    const room = await clientWith(arena.server, await testToken({ name: "watcher", role })).joinOrCreate<MatchState>("spectate", { match });
    await waitFor("first spectated state", () => room.state.players?.size > 0);
    return room;
  }

  it("shows every player moving, with the match's phase and scores, and no team-private field", async () => {
    const red = await player("Rosa", "red");
    const blue = await player("Bo", "blue");
    const watcher = await spectator(red.roomId);
    await waitFor("both players", () => watcher.state.players.size === 2);
    assert.deepEqual([...watcher.state.players.values()].map((p) => [p.name, p.team]).sort(), [["Bo", "blue"], ["Rosa", "red"]]);
    await waitFor("the match's countdown", () => watcher.state.phase === "countdown");
    const rosa = () => watcher.state.players.get(red.sessionId)!;
    const startX = rosa().x;
    // Two bursts no longer than the trim window, each applied in full: 20 steps, about 74 units.
    for (let seq = 1; seq <= 2 * QUEUE_TRIM_WINDOW_TICKS; seq++) {
      red.send("input", { seq, mx: 1, my: 0, aim: 0, fire: false });
      if (seq % QUEUE_TRIM_WINDOW_TICKS === 0) await waitFor("the burst applied", () => ackOf(red.state, red.state.players.get(red.sessionId)!) === seq);
    }
    await waitFor("Rosa seen moving right", () => rosa().x > startX + 500); // tenths: 50 units
    assert.equal(rosa().ammo, undefined, "team-private ammo never reaches a spectator");
    assert.equal(rosa().queued, undefined);
    assert.ok(blue.state.players.get(red.sessionId)!.x > startX, "the match itself is unaffected");
  });

  it("takes no seat: a full match of 12 still admits spectators, and the 13th player gets another match", async () => {
    const players: Conn[] = [];
    for (let i = 0; i < 12; i++) players.push(await player(`p${i}`, i % 2 ? "red" : "blue"));
    const watchers = await Promise.all([spectator(players[0].roomId), spectator(players[0].roomId, "player")]);
    for (const w of watchers) await waitFor("12 players", () => w.state.players.size === 12);
    const thirteenth = await player("late", "red");
    assert.notEqual(thirteenth.roomId, players[0].roomId);
  });

  it("refuses anything a spectator sends, and the match goes on", async () => {
    const red = await player("Rosa", "red");
    const watcher = await spectator(red.roomId);
    const errors: { code: string }[] = [];
    watcher.onMessage("error", (e) => errors.push(e));
    watcher.send("input", { seq: 1, mx: 1, my: 0, aim: 0, fire: false });
    watcher.send("chat", { channel: "all", text: "hi" });
    await waitFor("two refusals", () => errors.length === 2);
    assert.ok(errors.every((e) => e.code === ErrorCode.UNKNOWN_TYPE));
    const tick = tickOf(red.state);
    await waitFor("the match keeps ticking", () => tickOf(red.state) > tick + 10);
  });

  it("refuses a match that does not exist, and closes spectators with MATCH_GONE when the match ends", async () => {
    const token = await testToken({ name: "watcher", role: "display" });
    await assert.rejects(clientWith(arena.server, token).joinOrCreate("spectate", { match: "nosuchroom" }), /not_found/);
    await assert.rejects(clientWith(arena.server, token).joinOrCreate("spectate", {}), /invalid join options: match/);
    const red = await player("Rosa", "red");
    const watcher = await spectator(red.roomId);
    let closedWith: number | undefined;
    watcher.onLeave((code) => (closedWith = code));
    await red.leave(true);
    await waitFor("spectator closed", () => closedWith !== undefined);
    assert.equal(closedWith, CloseCode.MATCH_GONE);
  });
});

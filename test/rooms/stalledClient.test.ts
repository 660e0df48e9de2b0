import assert from "node:assert/strict";
import type { Socket } from "node:net";
import type { Room } from "colyseus.js";
import type { MatchRoom } from "../../rooms/MatchRoom";
import { ackOf, MatchState } from "../../schema/MatchState";
import { arenaForSuite, joinLiveMatch, joinMatch, sleep, waitFor } from "../helpers";

/**
 * A client whose connection stalls (its socket cannot take more bytes, so the
 * server holds its patches in memory) must get every held patch intact when it
 * drains. Colyseus encodes each patch into one shared buffer; a held patch that
 * still pointed into it would carry whatever the next ticks encoded there.
 */
describe("a client whose connection stalls", () => {
  const arena = arenaForSuite(2581, { ARENA_COUNTDOWN_SECONDS: "0.2" });

  /** Every distinct value of the round clock `client` decodes, in order. */
  function clockOf(client: Room<MatchState>): number[] {
    const seen = [client.state.timeLeft];
    client.onStateChange((state) => {
      if (state.timeLeft !== seen.at(-1)) seen.push(state.timeLeft);
    });
    return seen;
  }

  it("gets every patch held for it intact: a join, each second of the round clock, the latest positions", async () => {
    const [stalled, walker] = await joinLiveMatch(arena.server, [["Stalled", "red"], ["Walker", "blue"]]);
    const room = arena.server.getRoomById(stalled.roomId) as unknown as MatchRoom;
    const serverSide = room.clients.getById(stalled.sessionId)!;
    // Corked, the server's socket holds every write in memory, as it does when the kernel's buffer is full.
    const socket = (serverSide.ref as unknown as { _socket: Socket })._socket;
    const errors: unknown[] = [];
    stalled.onError((code, message) => errors.push({ code, message }));
    const stalledClock = clockOf(stalled);

    socket.cork();
    // While it stalls (about 1.3 s: the round clock ticks at least once), a player joins and the
    // walker moves; every tick's patch is held for the stalled client.
    const late = await joinMatch(arena.server, "Late", { team: "blue" });
    let seq = 0;
    for (let i = 0; i < 80; i++) {
      walker.send("input", { seq: ++seq, mx: 1, my: i % 2 ? 1 : -1, aim: i / 10, fire: false });
      await sleep(16);
    }
    await waitFor("the walker's inputs applied", () => ackOf(walker.state, walker.state.players.get(walker.sessionId)!) === seq);
    assert.ok(socket.writableLength > 0, "the server held nothing for the stalled client");
    assert.ok(ackOf(stalled.state, stalled.state.players.get(walker.sessionId)!) < seq, "the stalled client had the walker's moves before it drained");
    const clockAtDrain = walker.state.timeLeft;
    socket.uncork();

    const truth = () => walker.state.players.get(walker.sessionId)!;
    const seen = () => stalled.state.players.get(walker.sessionId)!;
    await waitFor("the stalled client catches up", () => ackOf(stalled.state, seen()) === seq);
    await waitFor("the round clock's next second", () => stalled.state.timeLeft < clockAtDrain, 3000);
    assert.deepEqual(errors, []);
    assert.equal(stalled.state.players.get(late.sessionId)?.name, "Late", "the join held during the stall was lost");
    assert.deepEqual(
      stalledClock.slice(1).map((t, i) => stalledClock[i] - t),
      stalledClock.slice(1).map(() => 1),
      `the stalled client's round clock skipped a second: ${stalledClock.join(", ")}`,
    );
    assert.deepEqual({ x: seen().x, y: seen().y, angle: seen().angle }, { x: truth().x, y: truth().y, angle: truth().angle });
  });
});

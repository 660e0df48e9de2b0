import assert from "node:assert/strict";
import type { MatchRoom } from "../../rooms/MatchRoom";
import { CloseCode, ErrorCode } from "../../schema/codes";
import { arenaForSuite, joinMatch, waitFor } from "../helpers";
import { ackOf } from "../../schema/MatchState";

describe("per-client message rates", () => {
  const arena = arenaForSuite(2660);

  it("never limits a client sending one input per tick", async () => {
    const room = await joinMatch(arena.server, "Steady");
    const errors: string[] = [];
    room.onMessage("error", (e) => errors.push(e.code));
    let seq = 0;
    const timer = setInterval(() => room.send("input", { seq: ++seq, mx: 0.1, my: 0, aim: 0, fire: false }), 1000 / 60);
    // Two seconds' worth, however long a loaded machine takes to send them.
    await waitFor("120 inputs sent", () => seq >= 120, 10_000);
    clearInterval(timer);
    await waitFor("every input applied", () => ackOf(room.state, room.state.players.get(room.sessionId)!) === seq);
    assert.deepEqual(errors, []);
  });

  it("drops an input flood past the rate, warns once with rate_limited, then closes with 4429; others unaffected", async () => {
    const flooder = await joinMatch(arena.server, "Flood");
    const other = await joinMatch(arena.server, "Calm");
    const errors: string[] = [];
    flooder.onMessage("error", (e) => errors.push(e.code));
    const closed = new Promise<number>((resolve) => flooder.onLeave(resolve));
    const room = arena.server.getRoomById(flooder.roomId) as unknown as MatchRoom;
    for (let seq = 1; seq <= 1000; seq++) flooder.send("input", { seq, mx: 1, my: 0, aim: 0, fire: false });
    assert.equal(await closed, CloseCode.RATE_LIMITED);
    assert.deepEqual(errors, [ErrorCode.RATE_LIMITED], "one warning, no other refusal");
    await waitFor("the flooder removed", () => other.state.players.size === 1);
    const steps = room.simulationSteps;
    other.send("input", { seq: 1, mx: 1, my: 0, aim: 0, fire: false });
    await waitFor("the other player still served", () => ackOf(other.state, other.state.players.get(other.sessionId)!) === 1);
    assert.ok(room.simulationSteps > steps, "the room kept ticking");
    // RATE_LIMITED says reconnect after a backoff: the same player is admitted again.
    await joinMatch(arena.server, "Flood");
  });
});

import assert from "node:assert/strict";
import { MatchSession, ConnectionStatus } from "../../client/MatchSession";
import type { ChatDelivery } from "../../schema/serverMessages";
import { CloseCode } from "../../schema/codes";
import { arenaForSuite, dropSocket, playerClient, waitFor } from "../helpers";
import { ackOf } from "../../schema/MatchState";

const PORT = 2573;
const fastRetry = { initialDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 3000 };

describe("client MatchSession (colyseus.js)", () => {
  const arena = arenaForSuite(PORT, { ARENA_RECONNECT_GRACE_SECONDS: "2" });

  it("reconnects by itself after a drop, reports its status, and shows every missed message once", async () => {
    const me = await MatchSession.join(await playerClient(arena.server, "me"), { team: "red" }, fastRetry);
    const mate = await MatchSession.join(await playerClient(arena.server, "mate"), { team: "red" }, fastRetry);
    const statuses: ConnectionStatus[] = [];
    const seen: ChatDelivery[] = [];
    me.onStatus((s) => statuses.push(s));
    me.onChat((m) => seen.push(m));
    mate.chat("team", "one");
    await waitFor("first message", () => seen.length === 1);
    dropSocket(me.room);
    // Sent into the dead socket before the client notices: never acknowledged.
    for (let i = 0; i < 30; i++) me.sendInput({ mx: 1, my: 0, aim: 0, fire: false });
    await waitFor("reconnecting", () => statuses.includes("reconnecting"));
    for (let i = 0; i < 5; i++) mate.chat("team", `missed ${i}`);
    await waitFor("reconnected", () => me.status === "connected" && statuses.length === 2, 5000);
    await waitFor("missed messages", () => seen.length === 6);
    assert.deepEqual(seen.map((m) => m.text), ["one", "missed 0", "missed 1", "missed 2", "missed 3", "missed 4"]);
    assert.deepEqual(statuses, ["reconnecting", "connected"]);
    assert.equal(me.prediction.pendingCount, 0, "inputs lost with the old socket are not waited for");
    const next = me.sendInput({ mx: 1, my: 0, aim: 0, fire: false })!;
    assert.equal(next.seq, 31, "seqs go on after the lost ones");
    await waitFor("input applied after reconnection", () => ackOf(mate.room.state, mate.room.state.players.get(me.sessionId)!) === 31);
    await waitFor("prediction agrees with the server", () => me.prediction.pendingCount === 0);
    assert.equal(me.frame().self!.x, me.state.players.get(me.sessionId)!.x / 10);
  });

  it("reports gone, seat lost, when its retries outlast the server's grace window (a session for one match)", async () => {
    const client = await playerClient(arena.server);
    const other = await MatchSession.join(client, {}, fastRetry);
    // First retry after the server's 2 s grace: the seat is already freed, every attempt fails.
    const me = await MatchSession.joinById(client, other.matchId, {}, { initialDelayMs: 2500, maxDelayMs: 2500, giveUpAfterMs: 3000, jitter: 0 });
    let goneCode: number | undefined;
    me.onStatus((status, code) => status === "gone" && (goneCode = code));
    dropSocket(me.room);
    await waitFor("gone", () => me.status === "gone", 5000);
    assert.equal(goneCode, CloseCode.SEAT_LOST);
    await waitFor("seat freed", () => !other.room.state.players.has(me.sessionId), 5000);
  });

  it("does not reconnect after a consented leave", async () => {
    const me = await MatchSession.join(await playerClient(arena.server), {}, fastRetry);
    await me.leave();
    assert.equal(me.status, "gone");
  });
});

import assert from "node:assert/strict";
import { arenaClient } from "../../client/arenaClient";
import { guest } from "../../client/guest";
import { ArenaHttpError } from "../../client/http";
import { runInputLoop } from "../../client/inputLoop";
import { MatchList, MatchListing } from "../../client/MatchList";
import { MatchSession } from "../../client/MatchSession";
import { Operator } from "../../client/Operator";
import type { SyncRequest } from "../../schema/serverMessages";
import { SignageDisplay } from "../../client/SignageDisplay";
import { TICK_SECONDS } from "../../rooms/match/rules";
import { POSITION_SCALE } from "../../schema/scales";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, sleep, testToken, waitFor } from "../helpers";
import { ackOf } from "../../schema/MatchState";

describe("client SDK: prediction in the session, input loop, operator, guest, match list", () => {
  const arena = arenaForSuite(2761, { ARENA_COUNTDOWN_SECONDS: "30", ARENA_AUTH_REQUESTS_PER_MINUTE: "1000" });

  async function seat(name: string, team: "red" | "blue", matchId?: string): Promise<MatchSession> {
    const client = arenaClient(arena.server.httpUrl, await guest(arena.server.httpUrl, name));
    const session = matchId ? await MatchSession.joinById(client, matchId, { team }) : await MatchSession.join(client, { team });
    await waitFor("first state", () => session.frame().self !== undefined);
    return session;
  }

  it("predicts the own player from the inputs it sends, landing exactly where the server puts it", async () => {
    const me = await seat("Rosa", "red");
    const other = await seat("Bo", "blue", me.matchId);
    const server = () => me.state.players.get(me.sessionId)!;
    const start = me.frame().self!;
    let sent = 0;
    const startedMs = performance.now();
    const stop = runInputLoop(me, () => (sent++, { mx: 1, my: 0.5, aim: 0.3, fire: false }));
    // Waited for, not slept: after a stall the loop sends at most maxCatchUp and drops the rest of the
    // backlog, so on a loaded machine a fixed 400 ms can hold far fewer than 24 inputs.
    await waitFor("15 inputs sampled", () => sent >= 15);
    const midway = me.frame().self!;
    assert.ok(midway.x > start.x + 40, `predicted ahead at once: ${start.x} -> ${midway.x}`);
    assert.equal(midway.angle, 0.3, "faces its latest aim");
    stop();
    const ticks = (performance.now() - startedMs) / (TICK_SECONDS * 1000);
    // Pending inputs are dropped only once the server's ack reaches them.
    await waitFor("every input applied", () => me.prediction.pendingCount === 0);
    assert.ok(sent <= Math.floor(ticks) + 1, `one input per tick at most: ${sent} in ${ticks.toFixed(1)} ticks`);
    assert.equal(me.frame().self!.x, server().x / POSITION_SCALE);
    assert.equal(me.frame().self!.y, server().y / POSITION_SCALE);
    // The other client draws Rosa interpolated: caught up with the server once the render delay has passed.
    await waitFor("the other client draws Rosa where the server has her", () => other.frame().others.get(me.sessionId)?.x === server().x / POSITION_SCALE);
    assert.equal(other.frame().others.has(other.sessionId), false);
  });

  it("with two inputs a frame sends half the frames, every input applied and predicted exactly; a lone input goes after a tick and a half", async () => {
    const me = await seat("Pair", "red");
    me.inputsPerFrame = 2;
    const frames: number[] = [];
    const sendBytes = me.room.sendBytes.bind(me.room);
    me.room.sendBytes = (type, bytes) => (frames.push(bytes!.length), sendBytes(type, bytes));
    let sent = 0;
    const stop = runInputLoop(me, () => (sent++, { mx: 1, my: 0.5, aim: 0.3, fire: false }));
    await waitFor("30 inputs sampled", () => sent >= 30);
    stop();
    await waitFor("every input applied", () => me.prediction.pendingCount === 0);
    assert.equal(ackOf(me.state, me.state.players.get(me.sessionId)!), sent, "each input acknowledged");
    // Pairs; an odd last one went alone once no second followed it.
    assert.deepEqual(frames, [...Array(Math.floor(sent / 2)).fill(26), ...(sent % 2 ? [13] : [])]);
    assert.equal(me.frame().self!.x, me.state.players.get(me.sessionId)!.x / POSITION_SCALE);
    me.sendInput({ mx: 0, my: 0, aim: 0, fire: false });
    await waitFor("the held input sent alone", () => frames.at(-1) === 13);
    await waitFor("and applied", () => me.prediction.pendingCount === 0);
  });

  it("numbers inputs itself and carries the tick on screen with a fire", async () => {
    const me = await seat("Rosa", "red");
    const first = me.sendInput({ mx: 0, my: 0, aim: 0, fire: false })!;
    const shot = me.sendInput({ mx: 0, my: 0, aim: 0, fire: true })!;
    assert.equal(shot.seq, first.seq + 1);
    assert.equal(first.tick, undefined);
    assert.equal(shot.tick, me.interpolation.fireTick());
    await waitFor("both applied", () => ackOf(me.state, me.state.players.get(me.sessionId)!) === shot.seq);
    const errors: unknown[] = [];
    me.onError((e) => errors.push(e));
    await sleep(100);
    assert.deepEqual(errors, []);
  });

  it("operator: publishes over HTTP with the seq, hears a display's request-sync, and sees the content", async () => {
    const operator = new Operator({ endpoint: arena.server.httpUrl, token: await testToken({ name: "ops", role: "operator" }) });
    const channel = `program-sdk-${process.pid}`;
    const watch = await operator.watch([channel]);
    const requests: SyncRequest[] = [];
    const contents: unknown[] = [];
    watch.onRequestSync((r) => requests.push(r));
    watch.onBroadcast((b) => contents.push(b.payload));
    const screen = new SignageDisplay({ endpoint: arena.server.httpUrl, token: await guest(arena.server.httpUrl, "lobby-screen", "display"), channels: [channel] });
    await screen.start();
    screen.requestSync(channel);
    await waitFor("request-sync heard", () => requests.length === 1);
    assert.deepEqual({ channel: requests[0].channel, name: requests[0].name }, { channel, name: "lobby-screen" });
    const published = await operator.publish(channel, { title: "Welcome" });
    assert.deepEqual({ channel: published.channel, seq: published.seq }, { channel, seq: 1 });
    await waitFor("content seen", () => contents.length === 1);
    assert.deepEqual(contents, [{ title: "Welcome" }]);
    await screen.stop();
    await watch.close();
  });

  it("operator and guest helpers surface the server's error code", async () => {
    const notOperator = new Operator({ endpoint: arena.server.httpUrl, token: await guest(arena.server.httpUrl, "screen", "display") });
    await assert.rejects(notOperator.publish("program-5", "x"), (e: ArenaHttpError) => e.status === 403 && e.code === ErrorCode.ROLE_FORBIDDEN);
    await assert.rejects(guest(arena.server.httpUrl, "", "player"), (e: ArenaHttpError) => e.status === 400 && e.code === ErrorCode.INVALID_REQUEST);
  });

  it("match list: a new match appears with its team counts and phase, and goes when it ends", async () => {
    const list = await MatchList.join(arenaClient(arena.server.httpUrl, await guest(arena.server.httpUrl, "browser")));
    let latest: MatchListing[] = [];
    list.onChange((all) => (latest = all));
    const me = await seat("Rosa", "red");
    await waitFor("listed", () => latest.some((m) => m.roomId === me.matchId && m.metadata?.red === 1 && m.metadata.blue === 0));
    assert.equal(latest.find((m) => m.roomId === me.matchId)!.metadata!.phase, "waiting");
    await me.leave();
    await waitFor("unlisted", () => !list.matches.has(me.matchId));
    await list.leave();
  });
});

import assert from "node:assert/strict";
import type { Socket } from "node:net";
import type { Room } from "colyseus.js";
import type { MatchRoom } from "../../rooms/MatchRoom";
import type { LobbyRoom } from "../../rooms/lobby/LobbyRoom";
import type { Broadcast } from "../../schema/serverMessages";
import { arenaForSuite, clientWith, joinLiveMatch, testToken, waitFor } from "../helpers";

const PING_SECONDS = 0.5;
const ATTACKERS = 5;
const STORED = 100;
const SLIDE = "s".repeat(14_000);

/** The client end of a colyseus.js room's WebSocket (the `ws` package under Node). */
type ClientSocket = { _socket: Socket; _autoPong: boolean; pong(data?: Buffer): void; readyState: number };
const socketOf = (room: Room) => (room.connection.transport as unknown as { ws: ClientSocket }).ws;

/**
 * The attack of a display that stops reading: it pauses its socket, answers no
 * ping but sends pongs of its own, and keeps asking for two full channels from
 * the start. The server holds a bounded amount for it, drops it for liveness,
 * and a match beside it keeps its 60 Hz.
 */
describe("a display that stops reading and fakes liveness", () => {
  const arena = arenaForSuite(2880, {
    ARENA_PING_INTERVAL_SECONDS: String(PING_SECONDS),
    ARENA_PING_MAX_MISSED: "2",
    ARENA_COUNTDOWN_SECONDS: "0.1",
    ARENA_PUBLISH_REQUESTS_PER_MINUTE: "1000",
  });

  it("is dropped within the liveness window, holds a bounded amount meanwhile, and the match and displays beside it are not affected", async () => {
    const [operatorToken, displayToken] = await Promise.all([testToken({ name: "ops", role: "operator" }), testToken({ name: "screen", role: "display" })]);
    const channels = [`stalled-a-${process.pid}`, `stalled-b-${process.pid}`];
    const publish = async (channel: string) => {
      const res = await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${operatorToken}` },
        body: JSON.stringify({ payload: { slide: SLIDE } }),
      });
      assert.equal(res.status, 201);
    };
    for (const channel of channels) for (let i = 0; i < STORED; i++) await publish(channel);

    const [red] = await joinLiveMatch(arena.server, [["red", "red"], ["blue", "blue"]]);
    const match = arena.server.getRoomById(red.roomId) as unknown as MatchRoom;
    const honest = await clientWith(arena.server, displayToken).joinOrCreate("lobby", { channels });
    const honestGot: Broadcast[] = [];
    honest.onMessage("broadcast", (b: Broadcast) => honestGot.push(b));
    await waitFor("the honest display has the retained messages", () => honestGot.length === channels.length);

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const attackers = await Promise.all(Array.from({ length: ATTACKERS }, () => clientWith(arena.server, displayToken).joinOrCreate("lobby", {})));
    const lobby = arena.server.getRoomById(attackers[0].roomId) as unknown as LobbyRoom;
    const timers = attackers.map((room) => {
      room.onMessage("broadcast", () => {});
      const ws = socketOf(room);
      ws._autoPong = false;
      ws._socket.pause();
      let round = 0;
      return setInterval(() => {
        if (ws.readyState !== 1) return;
        ws.pong(Buffer.from("alive"));
        // Within the subscribe rate: both channels again from the start, every other tick.
        if (round++ % 5 !== 0) return;
        for (const channel of channels) {
          room.send("unsubscribe", { channel });
          room.send("subscribe", { channel, after: 0 });
        }
      }, 100);
    });
    const stepsBefore = match.simulationSteps;
    const startedMs = performance.now();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    try {
      await waitFor(
        "every attacker dropped by the server",
        () => attackers.every((room) => lobby.clients.getById(room.sessionId) === undefined),
        (PING_SECONDS * 4 + 5) * 1000,
      );
    } finally {
      timers.forEach(clearInterval);
      clearInterval(sampler);
    }
    const seconds = (performance.now() - startedMs) / 1000;
    const steps = match.simulationSteps - stepsBefore;
    assert.ok(steps >= 60 * seconds * 0.8, `the match stepped ${steps} times in ${seconds.toFixed(2)} s`);
    const grownMb = (rssPeak - rssBefore) / 2 ** 20;
    assert.ok(grownMb < 100, `the server process grew by ${grownMb.toFixed(0)} MB for ${ATTACKERS} stalled readers`);

    // The honest display, idle but answering pings all along, is still there and gets what comes next.
    assert.ok(lobby.clients.getById(honest.sessionId) ?? arena.server.getRoomById(honest.roomId), "honest display still connected");
    await publish(channels[0]);
    await waitFor("the honest display got the next broadcast", () => honestGot.at(-1)?.seq === STORED + 1);
    await honest.leave();
  });
});

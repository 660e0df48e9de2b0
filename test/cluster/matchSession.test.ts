import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { arenaClient } from "../../client/arenaClient";
import { nodeAddressOf } from "../../client/endpoints";
import { ConnectionStatus, MatchSession, MatchSessionOptions } from "../../client/MatchSession";
import type { MatchState } from "../../schema/MatchState";
import { CloseCode } from "../../schema/codes";
import { dropSocket, testToken, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv } from "./ArenaNode";

const NODE_ENV = clusterEnv({
  // Two players start a countdown, never a live round: a drain closes such a match at once.
  ARENA_COUNTDOWN_SECONDS: "60",
});
/** Within the server's grace window (20 s). */
const RETRY = { initialDelayMs: 200, maxDelayMs: 1000, giveUpAfterMs: 20_000 };

async function playerToken(name: string): Promise<string> {
  return testToken({ name, role: "player" });
}

/** A player in a new match made through `node`'s matchmaking (on `node` itself when it is the only node up). */
async function hostOn(node: ArenaNode): Promise<Room<MatchState>> {
  const room = await arenaClient(node.url, await playerToken("host")).create<MatchState>("match", { team: "red" });
  for (const type of ["chat", "typing", "gap", "error"]) room.onMessage(type, () => {});
  return room;
}

function statusesOf(session: MatchSession): Array<[ConnectionStatus, number | undefined]> {
  const seen: Array<[ConnectionStatus, number | undefined]> = [];
  session.onStatus((status, code) => seen.push([status, code]));
  return seen;
}

const addressOf = (node: ArenaNode) => `127.0.0.1:${node.port}`;

describe("MatchSession over several endpoints (real redis-server, node processes)", function () {
  this.timeout(90_000);
  // Each test gets a cluster of its own, so where a match lands depends only on which of its nodes are up.
  let redis: RedisServer;
  const nodes: ArenaNode[] = [];
  const startNode = async (port: number, env: Record<string, string> = {}) => {
    const node = await ArenaNode.start(port, redis.url, { ...NODE_ENV, ...env });
    nodes.push(node);
    return node;
  };
  const seat = async (options: Omit<MatchSessionOptions, "token">, matchId?: string) => {
    const full = { ...options, token: await playerToken("me"), reconnect: RETRY };
    return matchId ? MatchSession.joinById(full, matchId) : MatchSession.join(full);
  };

  beforeEach(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.kill()));
    await redis.stop();
  });

  it("keeps its seat through another endpoint when the node it came in through is killed", async () => {
    const home = await startNode(2640);
    const host = await hostOn(home);
    const entry = await startNode(2641);
    const session = await seat({ endpoint: [entry.url, home.url], team: "blue" }, host.roomId);
    assert.equal(nodeAddressOf(session.room), addressOf(home), "matchmaking through the entry node seats it on the match's node");
    const sessionId = session.sessionId;
    const chat: string[] = [];
    session.onChat((m) => chat.push(m.text));
    const statuses = statusesOf(session);

    await entry.kill();
    dropSocket(session.room);
    await waitFor("reconnecting", () => session.status === "reconnecting");
    host.send("chat", { channel: "all", text: "while you were away" });
    await waitFor("back in the seat", () => session.status === "connected", 15_000);

    assert.deepEqual(statuses, [["reconnecting", 1006], ["connected", undefined]]);
    assert.equal(session.matchId, host.roomId);
    assert.equal(session.sessionId, sessionId);
    assert.equal(nodeAddressOf(session.room), addressOf(home));
    await waitFor("the chat missed meanwhile replayed", () => chat.includes("while you were away"));
    await Promise.all([session.leave(), host.leave()]);
  });

  it("reports the loss of its match's node with the code and joins a new match through a surviving endpoint", async () => {
    const doomed = await startNode(2642);
    const host = await hostOn(doomed);
    const survivor = await startNode(2643);
    const session = await seat({ endpoint: [survivor.url, doomed.url], team: "blue" });
    assert.equal(session.matchId, host.roomId, "joined the one open match");
    assert.equal(nodeAddressOf(session.room), addressOf(doomed));
    const statuses = statusesOf(session);

    await doomed.kill();
    await waitFor("seated in a new match", () => session.status === "connected" && session.matchId !== host.roomId, 30_000);

    assert.deepEqual(statuses.map(([status]) => status), ["reconnecting", "rejoined", "connected"]);
    assert.equal(statuses[1][1], CloseCode.MATCH_GONE, "rejoined because the match is gone");
    assert.equal(nodeAddressOf(session.room), addressOf(survivor));
    await waitFor("on its team in the new match", () => session.state.players?.get(session.sessionId)?.team === "blue");
    await session.leave();
  });

  it("after its node drains (4503) joins a match on another node and never goes back to the drained one", async () => {
    const draining = await startNode(2644);
    const host = await hostOn(draining);
    const other = await startNode(2645);
    const session = await seat({ endpoint: [draining.url, other.url], team: "blue" });
    assert.equal(session.matchId, host.roomId, "joined the one open match");
    assert.equal(nodeAddressOf(session.room), addressOf(draining));
    const statuses = statusesOf(session);
    const seatedOn: string[] = [];
    session.onRoom((room) => seatedOn.push(nodeAddressOf(room)));

    const exited = draining.terminate(20_000);
    await waitFor("seated in a new match", () => session.status === "connected" && session.matchId !== host.roomId, 20_000);

    assert.deepEqual(statuses, [
      ["reconnecting", CloseCode.SERVER_SHUTTING_DOWN],
      ["rejoined", CloseCode.SERVER_SHUTTING_DOWN],
      ["connected", undefined],
    ]);
    assert.deepEqual(seatedOn, [addressOf(other)], "no seat taken on the drained node after the close");
    await waitFor("on its team in the new match", () => session.state.players?.get(session.sessionId)?.team === "blue");
    assert.equal(await exited, 0);
    await session.leave();
  });

  it("joins a new match, seat lost, when its retries outlast the server's grace window", async () => {
    const node = await startNode(2646, { ARENA_RECONNECT_GRACE_SECONDS: "2" });
    // First retry after the server's 2 s grace: the seat is already freed.
    const session = await MatchSession.join({
      endpoint: node.url,
      token: await playerToken("me"),
      team: "blue",
      reconnect: { initialDelayMs: 2500, maxDelayMs: 2500, giveUpAfterMs: 3000, jitter: 0 },
    });
    // Someone stays in the match, so that the match outlives the seat (alone, it would be disposed: 4410).
    const mate = await MatchSession.join({ endpoint: node.url, token: await playerToken("mate"), team: "red" });
    assert.equal(mate.room.roomId, session.room.roomId);
    const firstSeat = session.sessionId;
    const statuses = statusesOf(session);

    dropSocket(session.room);
    await waitFor("seated again", () => session.status === "connected" && session.sessionId !== firstSeat, 15_000);

    assert.deepEqual(statuses, [["reconnecting", 1006], ["rejoined", CloseCode.SEAT_LOST], ["connected", undefined]]);
    await waitFor("on its team", () => session.state.players?.get(session.sessionId)?.team === "blue");
    await Promise.all([session.leave(), mate.leave()]);
  });
});

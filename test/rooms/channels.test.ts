import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { ackOf, MatchState } from "../../schema/MatchState";
import type { ChatDelivery } from "../../schema/serverMessages";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, dropSocket, playerClient, sleep, waitFor } from "../helpers";

type Conn = Room<MatchState>;

interface Inbox {
  chat: ChatDelivery[];
  errors: { code: string; message: string }[];
  typing: unknown[];
}

function inbox(conn: Conn): Inbox {
  const box: Inbox = { chat: [], errors: [], typing: [] };
  conn.onMessage("chat", (m) => box.chat.push(m));
  conn.onMessage("error", (m) => box.errors.push(m));
  conn.onMessage("typing", (m) => box.typing.push(m));
  conn.onMessage("gap", () => {});
  return box;
}

describe("match channels and reconnection", () => {
  const arena = arenaForSuite(2572, { ARENA_COUNTDOWN_SECONDS: "30", ARENA_RECONNECT_GRACE_SECONDS: "2" });

  /** Two reds and two blues in one match, each with an inbox. */
  async function fourPlayers() {
    // Kept: a reconnection presents the token of the player who held the seat.
    const red1Client = await playerClient(arena.server, "red1");
    const red1 = await red1Client.joinOrCreate<MatchState>("match", { team: "red" });
    const others = [
      await (await playerClient(arena.server, "red2")).joinById<MatchState>(red1.roomId, { team: "red" }),
      await (await playerClient(arena.server, "blue1")).joinById<MatchState>(red1.roomId, { team: "blue" }),
      await (await playerClient(arena.server, "blue2")).joinById<MatchState>(red1.roomId, { team: "blue" }),
    ];
    const [red2, blue1, blue2] = others;
    const all = [red1, red2, blue1, blue2];
    await waitFor("everyone seated", () => all.every((c) => c.state.players?.size === 4));
    return { red1, red1Client, red2, blue1, blue2, boxes: new Map(all.map((c) => [c, inbox(c)])) };
  }

  it("team chat reaches every teammate and no enemy; `all` reaches everyone", async () => {
    const { red1, red2, blue1, blue2, boxes } = await fourPlayers();
    red1.send("chat", { channel: "team", text: "push left" });
    await waitFor("teammates", () => boxes.get(red1)!.chat.length === 1 && boxes.get(red2)!.chat.length === 1);
    const got = boxes.get(red2)!.chat[0];
    assert.equal(got.channel, "team-red");
    assert.equal(got.text, "push left");
    assert.equal(got.from, red1.sessionId);
    assert.equal(got.name, "red1");
    assert.equal(got.seq, 1);
    blue1.send("chat", { channel: "all", text: "gg" });
    await waitFor("everyone", () => [red1, red2, blue1, blue2].every((c) => boxes.get(c)!.chat.some((m) => m.channel === "all")));
    await sleep(100);
    for (const enemy of [blue1, blue2]) assert.ok(!boxes.get(enemy)!.chat.some((m) => m.channel === "team-red"), "enemy read team chat");
  });

  it("a direct message reaches only its target", async () => {
    const { red1, red2, blue1, blue2, boxes } = await fourPlayers();
    red1.send("chat", { channel: "player", to: blue2.sessionId, text: "psst" });
    await waitFor("target", () => boxes.get(blue2)!.chat.length === 1);
    assert.equal(boxes.get(blue2)!.chat[0].channel, `player-${blue2.sessionId}`);
    assert.equal(boxes.get(blue2)!.chat[0].to, blue2.sessionId);
    await sleep(100);
    for (const other of [red1, red2, blue1]) assert.equal(boxes.get(other)!.chat.length, 0);
  });

  it("refuses another team's channel, unknown recipients, long and empty text, with error codes and nothing delivered", async () => {
    const { red1, red2, blue1, blue2, boxes } = await fourPlayers();
    red1.send("chat", { channel: "team-blue", text: "spy" });
    red1.send("chat", { channel: "player", to: "nobody", text: "hi" });
    red1.send("chat", { channel: "player-" + red1.sessionId, text: "me" });
    red1.send("chat", { channel: "team", text: "x".repeat(281) });
    red1.send("chat", { channel: "team", text: "\u0000\u200b \n" });
    red1.send("chat", { channel: "team", text: 42 });
    await waitFor("six errors", () => boxes.get(red1)!.errors.length === 6);
    assert.deepEqual(boxes.get(red1)!.errors.map((e) => e.code), [
      ErrorCode.FORBIDDEN_CHANNEL, ErrorCode.UNKNOWN_RECIPIENT, ErrorCode.UNKNOWN_RECIPIENT,
      ErrorCode.TEXT_TOO_LONG, ErrorCode.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE,
    ]);
    await sleep(100);
    for (const c of [red1, red2, blue1, blue2]) assert.equal(boxes.get(c)!.chat.length, 0);
  });

  it("rate-limits chat per client: a burst of 10, then rate_limited; nothing over the limit delivered", async () => {
    const { red1, red2, blue1, boxes } = await fourPlayers();
    for (let i = 0; i < 15; i++) red1.send("chat", { channel: "team", text: `spam ${i}` });
    await waitFor("warning", () => boxes.get(red1)!.errors.length === 1);
    assert.equal(boxes.get(red1)!.errors[0].code, ErrorCode.RATE_LIMITED);
    await waitFor("the burst delivered", () => boxes.get(red2)!.chat.length === 10);
    await sleep(150);
    assert.equal(boxes.get(red2)!.chat.length, 10, "nothing past the burst");
    blue1.send("chat", { channel: "team", text: "others unaffected" });
    await waitFor("another player's chat", () => boxes.get(blue1)!.chat.length === 1);
  });

  it("strips control characters from chat text", async () => {
    const { red1, red2, boxes } = await fourPlayers();
    red1.send("chat", { channel: "team", text: "a\u0007b\u202Ec\nd" });
    await waitFor("delivery", () => boxes.get(red2)!.chat.length === 1);
    assert.equal(boxes.get(red2)!.chat[0].text, "abcd");
  });

  it("shows typing to teammates only, debounced and never replayed", async () => {
    const { red1, red2, blue1, boxes } = await fourPlayers();
    for (let i = 0; i < 5; i++) red1.send("typing");
    await waitFor("typing", () => boxes.get(red2)!.typing.length === 1);
    await sleep(150);
    assert.equal(boxes.get(red2)!.typing.length, 1, "debounced");
    assert.equal(boxes.get(red1)!.typing.length, 0, "not echoed to the typist");
    assert.equal(boxes.get(blue1)!.typing.length, 0, "enemies never see it");
    assert.equal(boxes.get(red2)!.chat.length, 0, "typing is not chat");
  });

  it("sends team-private fields to teammates only and player-private fields to the player only", async () => {
    const { red1, red2, blue1 } = await fourPlayers();
    await waitFor("team fields", () => red2.state.players.get(red1.sessionId)?.ammo === 10);
    assert.equal(red1.state.players.get(red1.sessionId)!.ammo, 10);
    assert.equal(blue1.state.players.get(red1.sessionId)!.ammo, undefined, "an enemy decoded a teammate field");
    assert.equal(blue1.state.players.get(red1.sessionId)!.reloadDoneTick, undefined);
    assert.equal(red1.state.players.get(red1.sessionId)!.queued, 0);
    assert.equal(red2.state.players.get(red1.sessionId)!.queued, undefined, "a teammate decoded a private field");
    assert.equal(blue1.state.players.get(red1.sessionId)!.name, "red1", "public fields reach everyone");
  });

  it("shows a player its own backlog in queued: it grows when inputs come faster than ticks and drains back to 0", async () => {
    const { red1, red2 } = await fourPlayers();
    const own = () => red1.state.players.get(red1.sessionId)!;
    const seen: number[] = [];
    red1.onStateChange(() => seen.push(own().queued));
    const input = (seq: number) => red1.send("input", { seq, mx: 0, my: 0, aim: 0, fire: false });
    // Two arriving together (arrival jitter): the second waits one tick, which is no backlog.
    input(1);
    input(2);
    await waitFor("the pair applied", () => ackOf(red1.state, own()) === 2);
    assert.deepEqual([...new Set(seen)], [0], "jitter showed as a backlog");
    // Twelve at once: one is applied per tick, the rest wait.
    for (let seq = 3; seq <= 14; seq++) input(seq);
    await waitFor("the backlog applied", () => ackOf(red1.state, own()) === 14);
    await waitFor("queued back to 0", () => own().queued === 0);
    assert.ok(Math.max(...seen) >= 5, `queued never showed the backlog: ${seen.join(",")}`);
    assert.equal(red2.state.players.get(red1.sessionId)!.queued, undefined, "a teammate decoded a private field");
  });

  it("a dropped player resumes with every missed message once, in order, seat and team kept", async () => {
    const { red1, red1Client, red2, blue1, boxes } = await fourPlayers();
    red2.send("chat", { channel: "team", text: "before" });
    await waitFor("before", () => boxes.get(red1)!.chat.length === 1);
    await sleep(250); // red2's chat bucket (burst 10) refills for the 10 below
    const token = red1.reconnectionToken;
    const id = red1.sessionId;
    dropSocket(red1);
    await waitFor("seat held, shown disconnected", () => red2.state.players.get(id)?.connected === false);
    for (let i = 0; i < 10; i++) {
      red2.send("chat", { channel: "team", text: `team ${i}` });
      blue1.send("chat", { channel: "player", to: id, text: `direct ${i}` });
    }
    await sleep(200);
    const back = await red1Client.reconnect<MatchState>(token);
    const box = inbox(back);
    back.send("resume", { channels: { "team-red": 1 } });
    await waitFor("20 missed messages", () => box.chat.length >= 20);
    await sleep(150);
    assert.equal(box.chat.length, 20, "no duplicates");
    const team = box.chat.filter((m) => m.channel === "team-red");
    const direct = box.chat.filter((m) => m.channel === `player-${id}`);
    assert.deepEqual(team.map((m) => m.text), [...Array(10).keys()].map((i) => `team ${i}`));
    assert.deepEqual(direct.map((m) => m.text), [...Array(10).keys()].map((i) => `direct ${i}`));
    assert.deepEqual(team.map((m) => m.seq), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    await waitFor("connected again", () => red2.state.players.get(id)?.connected === true);
    assert.equal(back.sessionId, id);
    assert.equal(red2.state.players.get(id)!.team, "red");
    red2.send("chat", { channel: "team", text: "live again" });
    await waitFor("live delivery after resume", () => box.chat.length === 21);
    assert.equal(box.chat[20].seq, 12);
  });

  it("frees the seat after the grace window, tells the team, and refuses a late reconnection", async () => {
    const { red1, red1Client, red2, boxes } = await fourPlayers();
    const token = red1.reconnectionToken;
    const id = red1.sessionId;
    dropSocket(red1);
    await waitFor("seat freed", () => !red2.state.players.has(id), 5000);
    await waitFor("team told", () => boxes.get(red2)!.chat.some((m) => m.from === "server" && m.text === "red1 left the match"));
    await assert.rejects(red1Client.reconnect(token), /expired|not found|invalid/i);
  });
});

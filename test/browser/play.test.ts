import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { DrawnPlayer } from "../../client/pages/lib/probe";
import { arenaForSuite, waitFor } from "../helpers";
import { pagesForSuite, screenshot } from "./browser";

/** What the page drew last frame (window.arenaProbe), as plain data. */
async function drawn(page: Page): Promise<{ matchId?: string; sessionId?: string; phase?: string; players: DrawnPlayer[] }> {
  return page.evaluate(() => {
    const p = window.arenaProbe;
    return { matchId: p?.matchId, sessionId: p?.sessionId, phase: p?.phase, players: p?.players ?? [] };
  });
}

async function playerOn(page: Page, name: string): Promise<DrawnPlayer> {
  const player = (await drawn(page)).players.find((p) => p.name === name);
  assert.ok(player, `${name} is drawn on ${page.url()}`);
  return player;
}

/**
 * Waits until `page` draws `name` satisfying `test` (run in the page, on the drawn player). A timeout
 * says what the page drew instead, its status and its chat log (where refusals show).
 */
async function waitForPlayer(page: Page, name: string, test: string, timeout = 45_000): Promise<void> {
  // Judged here, not in the page: the pages' Content-Security-Policy forbids evaluating strings there.
  const satisfies = new Function("p", `return ${test}`) as (p: DrawnPlayer) => boolean;
  const deadline = Date.now() + timeout;
  for (;;) {
    const player = (await drawn(page)).players.find((p) => p.name === name);
    if (player && satisfies(player)) return;
    if (Date.now() > deadline) {
      // Read without waiting: the spectate page has no chat log.
      const [status, chat] = await page.evaluate(() => ["#status", "#chat-log"].map((sel) => document.querySelector(sel)?.textContent ?? null));
      throw new Error(`${page.url()}: ${name} never drawn with ${test}; drawn as ${JSON.stringify(player)}, status ${status}, chat ${JSON.stringify(chat)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
}

/**
 * Holds `key` on `page` until `shown` resolves (the move has reached where the
 * test looks), then lets go. Not a timed hold: on a loaded machine the page's
 * key events and inputs come late, and a fixed hold then walks less far. The
 * page comes to the front first: the play page lets go of every key when its
 * window loses focus (play.ts, on blur).
 */
async function holdUntil(page: Page, key: string, shown: () => Promise<void>): Promise<void> {
  await page.bringToFront();
  await page.keyboard.down(key);
  try {
    await shown();
  } finally {
    await page.keyboard.up(key);
  }
}

/** Waits until `selector`'s text includes `text`; a timeout says what the page showed instead. */
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent?.includes(t), [selector, text] as const);
  } catch (error) {
    const shown = await page.textContent(selector);
    const status = await page.textContent("#status");
    throw new Error(`${page.url()}: ${selector} never showed ${JSON.stringify(text)}; it shows ${JSON.stringify(shown)}, status ${status}`, { cause: error });
  }
}

describe("browser: play, chat, lobby and spectate pages (Chromium)", function () {
  // Real pages on a shared machine; each wait inside has its own 20 s limit (Pages).
  this.timeout(90_000);
  const pages = pagesForSuite();
  const arena = arenaForSuite(2750, {
    ARENA_COUNTDOWN_SECONDS: "1",
    ARENA_AUTH_REQUESTS_PER_MINUTE: "1000",
    ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "10000",
  });

  /** A play page seated in a live match: `?team=`, `?name=`, and `?match=` to join a given one. */
  async function play(name: string, team: "red" | "blue", matchId?: string): Promise<Page> {
    const page = await pages.open(`${arena.server.httpUrl}/?name=${name}&team=${team}${matchId ? `&match=${matchId}` : ""}`);
    try {
      await page.waitForFunction(() => window.arenaProbe?.players.some((p) => p.self));
    } catch (error) {
      throw new Error(`${name}'s page never drew its player; status: ${await page.textContent("#status")}`, { cause: error });
    }
    return page;
  }

  async function twoTeams(): Promise<[Page, Page]> {
    const red = await play("Rosa", "red");
    const blue = await play("Bo", "blue", (await drawn(red)).matchId);
    for (const page of [red, blue]) await page.waitForFunction(() => window.arenaProbe?.phase === "live" && window.arenaProbe.players.length === 2);
    return [red, blue];
  }

  it("two play pages join one match on opposite teams and see each other move", async () => {
    const [red, blue] = await twoTeams();
    assert.equal((await playerOn(red, "Rosa")).team, "red");
    assert.equal((await playerOn(blue, "Bo")).team, "blue");
    assert.equal((await drawn(red)).matchId, (await drawn(blue)).matchId);
    const rosaAtStart = await playerOn(blue, "Rosa");
    const boAtStart = await playerOn(red, "Bo");

    // Each walks until the other page draws the move (the others are drawn a render delay behind).
    await holdUntil(red, "d", () => waitForPlayer(blue, "Rosa", `p.x > ${rosaAtStart.x + 100}`));
    await holdUntil(blue, "s", () => waitForPlayer(red, "Bo", `p.y > ${boAtStart.y + 70}`));
    await waitForPlayer(red, "Rosa", `p.self && p.x > ${rosaAtStart.x + 100}`);
    // Once both have stopped, both pages come to draw both players at the same place.
    const placesOn = async (page: Page) => {
      const [rosa, bo] = [await playerOn(page, "Rosa"), await playerOn(page, "Bo")];
      return JSON.stringify([rosa.x, rosa.y, bo.x, bo.y]);
    };
    try {
      await waitFor("both pages draw both players at one place", async () => (await placesOn(red)) === (await placesOn(blue)), 10_000);
    } catch (error) {
      throw new Error(`Rosa and Bo drawn apart: ${await placesOn(red)} on red, ${await placesOn(blue)} on blue`, { cause: error });
    }
    assert.match(await red.textContent("#status") ?? "", /connected/);
    await screenshot(red, "play-red");
    await screenshot(blue, "play-blue");
  });

  it("aiming with the mouse and clicking fires: the enemy page shows the hit", async () => {
    const [red, blue] = await twoTeams();
    // Close the range (900) along y = 150, which no obstacle crosses: Bo stands at x 1480.
    await holdUntil(red, "d", () => waitForPlayer(red, "Rosa", "p.self && p.x > 680"));
    await red.waitForTimeout(300);
    const bo = await playerOn(red, "Bo");
    const target = await red.evaluate(([x, y]) => window.arenaProbe!.toViewport!(x, y), [bo.x, bo.y] as const);
    // A quick click, down and up at once: it fires even though the button is up before the page's next input.
    await red.mouse.click(target.x, target.y);
    await waitForPlayer(blue, "Bo", "p.self && p.hp === 75");
    await waitForPlayer(red, "Bo", "p.hp === 75");
    await screenshot(red, "play-fire");
  });

  it("team chat reaches the teammate's page and not the enemy's; all-chat reaches both", async () => {
    const red = await play("Rosa", "red");
    const matchId = (await drawn(red)).matchId;
    const [mate, enemy] = await Promise.all([play("Rex", "red", matchId), play("Bo", "blue", matchId)]);
    for (const page of [red, mate, enemy]) await page.waitForFunction(() => window.arenaProbe?.players.length === 3);

    await red.selectOption("#chat-channel", "team");
    await red.fill("#chat-text", "flank left");
    await waitForText(mate, "#typing", "Rosa is typing");
    await red.press("#chat-text", "Enter");
    await waitForText(mate, "#chat-log", "Rosa: flank left");

    await red.selectOption("#chat-channel", "all");
    await red.fill("#chat-text", "good luck");
    await red.press("#chat-text", "Enter");
    await waitForText(enemy, "#chat-log", "Rosa: good luck");
    await waitForText(mate, "#chat-log", "Rosa: good luck");
    await enemy.waitForTimeout(300);
    const enemyLog = (await enemy.textContent("#chat-log")) ?? "";
    assert.ok(!enemyLog.includes("flank left"), `the enemy page never shows team chat: ${enemyLog}`);
    assert.equal(await enemy.textContent("#typing"), "", "nor a teammate's typing");
    assert.match((await red.textContent("#chat-log")) ?? "", /\[team\] Rosa: flank left/);
    await screenshot(mate, "chat-teammate");
    await screenshot(enemy, "chat-enemy");
  });

  it("the lobby lists a match with its teams; watch opens a read-only spectator view that follows the play", async () => {
    const red = await play("Rosa", "red");
    const matchId = (await drawn(red)).matchId!;
    const lobby = await pages.open(`${arena.server.httpUrl}/lobby.html`);
    const row = lobby.locator(`tr[data-match="${matchId}"]`);
    await row.locator("td.red", { hasText: "1 / 6" }).waitFor();
    assert.equal(await row.locator("td.blue").textContent(), "0 / 6");
    await screenshot(lobby, "lobby");

    await row.getByText("watch").click();
    await lobby.waitForURL(/spectate\.html/);
    const spectator = lobby;
    await spectator.waitForFunction(() => window.arenaProbe?.players.some((p) => p.name === "Rosa"));
    assert.equal((await drawn(spectator)).players.length, 1, "the spectator is not a player");
    const before = await playerOn(spectator, "Rosa");
    await holdUntil(red, "s", () => waitForPlayer(spectator, "Rosa", `p.y > ${before.y + 80}`));
    assert.match((await spectator.textContent("#status")) ?? "", /watching/);
    await screenshot(spectator, "spectate");
  });
});

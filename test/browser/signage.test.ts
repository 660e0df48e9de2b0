import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { arenaForSuite, testToken } from "../helpers";
import { pagesForSuite, screenshot } from "./browser";

describe("browser: signage display and operator console (Chromium)", function () {
  // Real pages on a shared machine; each wait inside has its own 20 s limit (Pages).
  this.timeout(90_000);
  let operatorToken: string;
  let channelCounter = 0;
  const freshChannel = () => `program-5-${process.pid}-${channelCounter++}`;

  before(async () => {
    operatorToken = await testToken({ name: "ops", role: "operator" });
  });
  const pages = pagesForSuite();
  const arena = arenaForSuite(2751, { ARENA_AUTH_REQUESTS_PER_MINUTE: "1000", ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "10000" });

  async function publish(channel: string, payload: unknown): Promise<number> {
    const res = await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${operatorToken}` },
      body: JSON.stringify({ payload }),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { seq: number }).seq;
  }

  const status = (page: Page) => page.getAttribute("#status", "data-status");
  const waitForStatus = (page: Page, status: string, timeout = 20_000) =>
    page.waitForFunction((s) => document.querySelector<HTMLElement>("#status")?.dataset.status === s, status, { timeout });
  const waitForTitle = (page: Page, title: string, timeout: number) =>
    page.waitForFunction((t) => document.querySelector("#content-title")?.textContent === t, title, { timeout });

  it("shows content published over HTTP within a second, with its live state", async () => {
    const channel = freshChannel();
    const display = await pages.open(`${arena.server.httpUrl}/display.html?channel=${channel}`);
    await waitForStatus(display, "live");
    const start = Date.now();
    await publish(channel, { title: "Finals at 20:00", text: "Red vs Blue, arena one" });
    await waitForTitle(display, "Finals at 20:00", 1000);
    const shownAfterMs = Date.now() - start;
    assert.ok(shownAfterMs < 1000, `shown after ${shownAfterMs} ms`);
    assert.equal(await display.textContent("#content-text"), "Red vs Blue, arena one");
    assert.equal(await display.textContent("#status"), "live");
    await screenshot(display, "display-live");
  });

  it("falls back to polling when its socket is blocked, still shows new content, and goes live again when unblocked", async () => {    const channel = freshChannel();
    await publish(channel, "before the display started");
    // Matchmaking is the socket's way in: refused, no WebSocket ever opens.
    const blockSocket = "**/matchmake/**";
    const display = await pages.open(`${arena.server.httpUrl}/display.html?channel=${channel}`, (page) =>
      page.route(blockSocket, (route) => route.abort("connectionrefused")),
    );
    await waitForStatus(display, "polling");
    assert.equal(await display.textContent("#status"), "polling fallback");
    await waitForTitle(display, "before the display started", 5000);
    await publish(channel, "published while polling");
    // Polled every 2 s.
    await waitForTitle(display, "published while polling", 5000);
    await screenshot(display, "display-polling");

    await display.unroute(blockSocket);
    // Socket retries back off up to 15 s (±25 %, SignageDisplay's policy) while polling.
    await waitForStatus(display, "live", 20_000);
    await publish(channel, "live again");
    await waitForTitle(display, "live again", 1000);
    assert.equal(await display.getAttribute("body", "data-seq"), "3", "every message shown once, in order");
  });

  it("operator console publishes to a display and hears a display ask for content", async () => {
    const channel = freshChannel();
    const console_ = await pages.open(`${arena.server.httpUrl}/operator.html`);
    await console_.fill("#token", operatorToken);
    await console_.fill("#channel", channel);
    await console_.click("#watch");
    await console_.waitForFunction(() => document.querySelector<HTMLElement>("#watch-status")?.dataset.status === "live");

    // A display with nothing to show asks the operators for content.
    const display = await pages.open(`${arena.server.httpUrl}/display.html?channel=${channel}`);
    await console_.waitForFunction((c) => document.querySelector("#sync-log")?.textContent?.includes(`asks for ${c}`), channel);

    await console_.fill("#payload", JSON.stringify({ title: "Doors open", text: "Gate B" }));
    await console_.click("button[type=submit]");
    await console_.waitForFunction(() => /published to .* as #1/.test(document.querySelector("#result")?.textContent ?? ""));
    await waitForTitle(display, "Doors open", 1000);
    await console_.waitForFunction(() => document.querySelector("#current")?.textContent?.includes("Doors open"));
    assert.equal(await status(display), "live");
    await screenshot(console_, "operator-console");
    await screenshot(display, "display-from-console");
  });

  it("operator console shows the server's refusal for a token that is not an operator's", async () => {
    const console_ = await pages.open(`${arena.server.httpUrl}/operator.html`);
    await console_.fill("#token", await testToken({ name: "screen", role: "display" }));
    await console_.click("button[type=submit]");
    await console_.waitForFunction(() => document.querySelector("#result")?.textContent?.startsWith("role_forbidden"));
  });
});

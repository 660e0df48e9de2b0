import { arenaForSuite, testToken } from "../helpers";
import { pagesForSuite, screenshot } from "./browser";

describe("browser: a message to a user, from the operator console to the play page (Chromium)", function () {
  this.timeout(90_000);
  const pages = pagesForSuite();
  const arena = arenaForSuite(2772, { ARENA_AUTH_REQUESTS_PER_MINUTE: "1000", ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "10000" });

  it("the operator console sends to the user the play page shows, and the play page shows the message in its chat log", async () => {
    const player = await pages.open(`${arena.server.httpUrl}/?name=Rosa&team=red`);
    await player.waitForFunction(() => /^player-/.test(document.querySelector("#user-sub")?.textContent ?? ""));
    const sub = (await player.textContent("#user-sub"))!;

    const console_ = await pages.open(`${arena.server.httpUrl}/operator.html`);
    await console_.fill("#token", await testToken({ name: "ops", role: "operator" }));
    await console_.fill("#user-sub", sub);
    await console_.fill("#user-payload", JSON.stringify({ text: "Your next match starts in 5 minutes" }));
    await console_.click("#user-send");
    await console_.waitForFunction((s) => document.querySelector("#user-result")?.textContent === `sent to user-${s} as #1`, sub);
    await player.waitForFunction(() => document.querySelector("#chat-log")?.textContent?.includes("[to your devices] Your next match starts in 5 minutes"));
    await screenshot(player, "play-user-message");
    await screenshot(console_, "operator-user-message");
  });
});

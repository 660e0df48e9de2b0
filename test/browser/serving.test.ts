import assert from "node:assert/strict";
import { withArena } from "../helpers";

describe("web pages on the game port", () => {
  it("serves every page and its bundled script from the same port as the API", () =>
    withArena(2752, {}, async (arena) => {
      const base = arena.httpUrl;
      for (const [path, script] of [["/", "play"], ["/lobby.html", "lobby"], ["/spectate.html", "spectate"], ["/display.html", "display"], ["/operator.html", "operator"]]) {
        const page = await fetch(`${base}${path}`);
        assert.equal(page.status, 200, path);
        const html = await page.text();
        assert.match(html, new RegExp(`<script type="module" src="/js/${script}.js">`));
        // The shared head and navigation (server/pageShell.ts) complete every page file.
        assert.match(html, /^<!doctype html>\n<html lang="en">\n<head>[\s\S]*<title>Arena · [a-z]+<\/title>[\s\S]*<link rel="stylesheet" href="\/style.css">[\s\S]*<\/body>\n<\/html>\n$/, path);
        assert.equal(html.includes('<a href="/lobby.html">Matches</a>'), script !== "display", `${path}: navigation on every page but the display`);
        assert.ok(!html.includes("arena:nav"), path);
        const js = await fetch(`${base}/js/${script}.js`);
        assert.equal(js.status, 200);
        assert.match(js.headers.get("content-type") ?? "", /javascript/);
      }
      assert.equal((await fetch(`${base}/js/nothing.js`)).status, 404);
      assert.equal((await fetch(`${base}/play.ts`)).status, 404, "sources are not served");
    }));

  it("serves no page with ARENA_WEB_PAGES=false, and the API is unchanged", () =>
    withArena(2753, { ARENA_WEB_PAGES: "false" }, async (arena) => {
      assert.equal((await fetch(`${arena.httpUrl}/`)).status, 404);
      assert.equal((await fetch(`${arena.httpUrl}/js/play.js`)).status, 404);
      assert.equal((await fetch(`${arena.httpUrl}/healthz`)).status, 200);
    }));
});

import assert from "node:assert/strict";
import { arenaForSuite, testToken } from "../helpers";

const ADMIN_PORT = 2884;
const TRUSTED = "https://game.example.com";
const EVIL = "https://evil.example.net";

/**
 * What the public port shows to anyone: no metrics without an operator token
 * (they are on the admin listener), no credentialed CORS for origins not
 * listed, security headers on pages, no source maps.
 */
describe("the public port's surface", () => {
  const arena = arenaForSuite(2883, { ARENA_ADMIN_PORT: String(ADMIN_PORT), ARENA_ALLOWED_ORIGINS: TRUSTED });

  it("serves /metrics only to operators on the public port, and without a token on the admin listener", async () => {
    const url = `${arena.server.httpUrl}/metrics`;
    assert.equal((await fetch(url)).status, 401);
    const player = await testToken({ name: "p", role: "player" });
    assert.equal((await fetch(url, { headers: { Authorization: `Bearer ${player}` } })).status, 403);
    const operator = await testToken({ name: "ops", role: "operator" });
    assert.equal((await fetch(url, { headers: { Authorization: `Bearer ${operator}` } })).status, 200);
    const admin = await fetch(`http://127.0.0.1:${ADMIN_PORT}/metrics`);
    assert.equal(admin.status, 200);
    assert.match(await admin.text(), /^arena_/m);
  });

  it("never reflects an unlisted Origin with credentials, on the API, its preflights and matchmaking; a listed origin gets them", async () => {
    const probes: Array<[string, RequestInit]> = [
      ["/api/whoami", { method: "GET" }],
      ["/api/channels/program-5/messages", { method: "OPTIONS", headers: { "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" } }],
      ["/matchmake/joinOrCreate/match", { method: "OPTIONS" }],
      ["/matchmake/joinOrCreate/match", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }],
    ];
    for (const [path, init] of probes) {
      const evil = await fetch(`${arena.server.httpUrl}${path}`, { ...init, headers: { ...(init.headers as object), Origin: EVIL } });
      assert.notEqual(evil.headers.get("access-control-allow-origin"), EVIL, `${init.method} ${path} reflected ${EVIL}`);
      assert.notEqual(evil.headers.get("access-control-allow-credentials"), "true", `${init.method} ${path} allowed credentials to ${EVIL}`);
      const trusted = await fetch(`${arena.server.httpUrl}${path}`, { ...init, headers: { ...(init.headers as object), Origin: TRUSTED } });
      assert.equal(trusted.headers.get("access-control-allow-origin"), TRUSTED, `${init.method} ${path} for the listed origin`);
      assert.equal(trusted.headers.get("access-control-allow-credentials"), "true");
    }
  });

  it("sends security headers with the pages, no X-Powered-By, and no source maps", async () => {
    const page = await fetch(`${arena.server.httpUrl}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    assert.ok(page.headers.get("x-frame-options"), "X-Frame-Options");
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.equal(page.headers.get("x-powered-by"), null);
    const script = (await page.text()).match(/src="\/js\/([^"]+\.js)"/)?.[1];
    assert.ok(script, "the page names its script");
    const js = await fetch(`${arena.server.httpUrl}/js/${script}`);
    assert.equal(js.status, 200);
    assert.doesNotMatch(await js.text(), /sourceMappingURL/);
    assert.equal((await fetch(`${arena.server.httpUrl}/js/${script}.map`)).status, 404);
  });
});

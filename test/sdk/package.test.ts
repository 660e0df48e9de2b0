import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { buildSdk } from "../../client/build";
import { arenaForSuite, joinMatch, testToken } from "../helpers";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "node_modules", ".bin");
/** What a game installs beside the SDK, taken from this repository's node_modules: no network. */
const GAME_DEPENDENCIES = ["colyseus.js", "@colyseus/schema", "@types/node"].map((name) => path.join(ROOT, "node_modules", name));

/** docs/sdk.md's runnable examples (```ts example=<name>), as written. */
function examples(): Map<string, string> {
  const doc = readFileSync(path.join(ROOT, "docs", "sdk.md"), "utf8");
  return new Map([...doc.matchAll(/```ts example=(\w+)\n([\s\S]*?)```/g)].map(([, name, code]) => [name, code]));
}

/**
 * The SDK as a game gets it: packed, installed from the tarball into a project
 * outside the repository with a plain tsconfig, type-checked there, and
 * docs/sdk.md's player, display and operator examples run as written against
 * a live server.
 */
describe("the SDK package, installed in a game's project", function () {
  this.timeout(120_000);
  const arena = arenaForSuite(2895, { ARENA_GUEST_AUTH: "true" });
  let project: string;

  before(async () => {
    await buildSdk();
    project = mkdtempSync(path.join(os.tmpdir(), "arena-game-"));
    const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", project], { cwd: path.join(ROOT, "client") });
    const tarball = path.join(project, stdout.trim().split("\n").pop()!);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "game", private: true, type: "module" }));
    writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "nodenext", strict: true, skipLibCheck: true, noEmit: true } }));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball, ...GAME_DEPENDENCIES], { cwd: project });
    for (const [name, code] of examples()) writeFileSync(path.join(project, `${name}.ts`), code);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  /** Runs example `name` in the game's project; resolves with what it printed. */
  async function example(name: string, env: Record<string, string> = {}): Promise<string> {
    const { stdout } = await run(path.join(BIN, "tsx"), [`${name}.ts`], { cwd: project, env: { ...process.env, ARENA_ENDPOINT: arena.server.httpUrl, ...env }, timeout: 30_000 });
    return stdout;
  }

  it("has the player, display and operator examples, and they type-check in a plain project against the package", async () => {
    assert.deepEqual([...examples().keys()].sort(), ["display", "operator", "player", "spectator", "user"]);
    assert.ok(readdirSync(path.join(project, "node_modules", "@arena", "sdk", "dist")).includes("index.mjs"));
    await run(path.join(BIN, "tsc"), ["-p", "."], { cwd: project });
  });

  it("loads from CommonJS too", async () => {
    const { stdout } = await run(process.execPath, ["-e", "const sdk = require('@arena/sdk'); console.log(typeof sdk.MatchSession, typeof sdk.MatchState, sdk.CloseCode.MATCH_GONE)"], { cwd: project });
    assert.equal(stdout.trim(), "function function 4410");
  });

  it("player: joins a match as a guest, plays, sees itself move, leaves", async () => {
    const out = await example("player");
    assert.match(out, /\[team-red\] Rosa: flank left/, "its own team chat came back");
    const xs = [...out.matchAll(/me at (\d+\.\d), \d+\.\d; 0 others/g)].map(([, x]) => Number(x));
    assert.ok(xs.length >= 2 && xs.at(-1)! > xs[0], `walking right: ${xs.join(", ")}`);
    assert.match(out, /played in \S+ phase \w+/);
  });

  it("display: shows the channel's retained message, signature verified", async () => {
    const operator = new URL(`/api/channels/program-5/messages`, arena.server.httpUrl);
    const res = await fetch(operator, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` },
      body: JSON.stringify({ payload: { title: "Welcome" } }),
    });
    assert.equal(res.status, 201);
    const out = await example("display");
    assert.match(out, /status live/);
    assert.match(out, /show program-5 \d+ \{"title":"Welcome"\}/);
  });

  it("operator: publishes and sees what the displays show", async () => {
    const out = await example("operator", { ARENA_OPERATOR_TOKEN: await testToken({ name: "ops", role: "operator" }) });
    assert.match(out, /published program-5 \d+/);
    assert.match(out, /displays show \d+ \{"title":"Doors open","text":"Gate B"\}/);
  });

  it("spectator: finds a match in the list and watches it", async () => {
    const playing = await joinMatch(arena.server, "Rosa", { team: "red" });
    const out = await example("spectator");
    assert.match(out, new RegExp(`match ${playing.roomId} 1 0 waiting`));
    assert.match(out, new RegExp(`watching ${playing.roomId} players drawn: 1`));
    await playing.leave();
  });

  it("user channel: a device's post reaches the identity's other device, a backend's pushes reach it, a polling device reads them", async () => {
    const sub = `fan-${process.pid}`;
    const out = await example("user", {
      ARENA_PLAYER_TOKEN: await testToken({ name: "fan", role: "player", sub }),
      ARENA_DISPLAY_TOKEN: await testToken({ name: "fan tv", role: "display", sub }),
      ARENA_USER_SUB: sub,
      ARENA_SERVICE_TOKEN: await testToken({ name: "backend", role: "service" }),
    });
    assert.match(out, /tv got 1 \{"continueOn":"tv","position":754\}/);
    assert.doesNotMatch(out, /phone got \S+ 1 /, "the posting device does not get its own post");
    assert.match(out, new RegExp(`pushed user-${sub} 2`));
    assert.match(out, /batch 3/);
    assert.match(out, /phone got user-\S+ 2 \{"watchlist":\["ep-5"\]\}/);
    assert.match(out, /inbox got 3 \{"at":1312\}/);
  });
});

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { arenaForSuite, clientWith, guestToken, testToken, whoami } from "../helpers";

const run = promisify(execFile);
const tsx = join(__dirname, "../../node_modules/.bin/tsx");

describe("dev mode (no key configured)", () => {
  const secretFile = join(mkdtempSync(join(tmpdir(), "arena-dev-")), "dev-secret");
  const arena = arenaForSuite(2658, { ARENA_JWT_SECRET: "", ARENA_GUEST_AUTH: "", ARENA_DEV_SECRET_FILE: secretFile });

  it("writes a fresh random secret, readable only by its owner", () => {
    const secret = readFileSync(secretFile, "utf8").trim();
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
  });

  it("has guest tokens on by default", async () => {
    const token = await guestToken(arena.server, "Dev", "player");
    await (await clientWith(arena.server, token).joinOrCreate("match")).leave();
  });

  it("accepts an operator token from `npm run token`, which signs with the dev secret", async () => {
    const { stdout } = await run("npm", ["run", "-s", "token", "--", "--role", "operator", "--name", "Ops", "--sub", "ops-1"], {
      env: { ...process.env, ARENA_DEV_SECRET_FILE: secretFile, ARENA_JWT_SECRET: "" },
    });
    assert.deepEqual(await whoami(arena.server, stdout.trim()), { status: 200, body: { sub: "ops-1", name: "Ops", role: "operator" } });
    // A token signed with any other secret is refused.
    assert.equal((await whoami(arena.server, await testToken({ name: "Ops", role: "operator" }))).status, 401);
  });

  it("`npm run token` refuses bad arguments and explains a missing secret", async () => {
    const env = { ...process.env, ARENA_JWT_SECRET: "" };
    await assert.rejects(run(tsx, ["server/tokenCli.ts", "--role", "admin", "--name", "X"], { env }), /--role must be/);
    await assert.rejects(
      run(tsx, ["server/tokenCli.ts", "--role", "operator", "--name", "X"], { env: { ...env, ARENA_DEV_SECRET_FILE: join(tmpdir(), "arena-no-such-file") } }),
      /start the dev server first/,
    );
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";

/** Runs the server's entry (main.ts, as `npm start` runs its bundle) with `env` until it exits. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", "main.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code, lines: output.split("\n").filter(Boolean) }));
  });
}

describe("server start with a bad environment", () => {
  it("refuses an unknown ARENA_LOG_LEVEL with one clear structured line and exit 1; every line it prints is the logger's", async function () {
    this.timeout(30_000);
    const { code, lines } = await runMain({ ARENA_LOG_LEVEL: "loud", PORT: "2887" });
    assert.equal(code, 1);
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as { level: number; msg: string; reason?: string };
      } catch {
        return assert.fail(`a line not from the structured logger: ${line}`);
      }
    });
    const fatal = records.find((r) => r.level === 60);
    assert.ok(fatal, "a fatal line");
    assert.equal(fatal.msg, "Arena did not start");
    assert.match(fatal.reason ?? "", /ARENA_LOG_LEVEL: .*"debug"\|"info"/);
  });
});

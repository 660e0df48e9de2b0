import assert from "node:assert/strict";
import { ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync, utimesSync } from "node:fs";
import path from "node:path";
import { waitFor } from "../helpers";

const ROOT = path.join(__dirname, "..", "..");

/** The PM2 apps ecosystem.config.cjs declares under `env`. */
function pm2Apps(env: Record<string, string>): Array<{ script: string; wait_ready?: boolean; listen_timeout?: number; env: Record<string, string> }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const file = require.resolve(path.join(ROOT, "ecosystem.config.cjs"));
    delete require.cache[file];
    return (require(file) as { apps: ReturnType<typeof pm2Apps> }).apps;
  } finally {
    process.env = saved;
  }
}

describe("deployment files agree with docs/operations.md", () => {
  const operations = readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");

  it("PM2 runs the bundle, waits for ready, and gives each node the proxy's port for it as its public address", () => {
    const apps = pm2Apps({ ARENA_NODES: "2", ARENA_PUBLIC_HOST: "game.example.com" });
    assert.equal(apps.length, 2);
    for (const [i, app] of apps.entries()) {
      assert.equal(app.script, "dist/main.js", "the bundle, as docs/operations.md says production runs");
      assert.equal(app.wait_ready, true);
      assert.ok((app.listen_timeout ?? 0) > 0);
      const publicPort = 4431 + i;
      assert.equal(app.env.ARENA_PUBLIC_ADDRESS, `game.example.com:${publicPort}`);
      assert.match(operations, new RegExp(`listen ${publicPort} ssl`), `the nginx example has node ${i + 1}'s port`);
      assert.match(operations, new RegExp(`ARENA_PUBLIC_ADDRESS=game.example.com:${publicPort}|with :${publicPort}`));
    }
  });

  it("every location of the nginx example forwards the client address", () => {
    const nginx = operations.match(/```nginx\n([\s\S]*?)```/)?.[1] ?? "";
    const locations = nginx.match(/location [^{]*\{[^}]*\}/g) ?? [];
    assert.ok(locations.length >= 3);
    for (const location of locations) assert.match(location, /proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/, location);
  });

  it("the server tells a process manager it is ready once it listens (PM2's wait_ready)", async function () {
    this.timeout(30_000);
    const child = fork(path.join(ROOT, "main.ts"), [], { cwd: ROOT, execArgv: ["--require", "tsx/cjs"], env: { ...process.env, PORT: "2888", ARENA_WEB_PAGES: "false" }, stdio: ["ignore", "ignore", "ignore", "ipc"] });
    try {
      // @pm2/io (loaded by Colyseus) speaks to PM2 on the same channel: its `axm:` messages come too.
      const others: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        child.on("message", (message) => (message === "ready" ? resolve() : others.push(message)));
        child.once("exit", (code) => reject(new Error(`exited ${code} before ready`)));
      });
      for (const other of others) assert.match(String((other as { type?: string }).type), /^axm:/, `an IPC message that is not @pm2/io's: ${JSON.stringify(other)}`);
      assert.equal((await fetch("http://127.0.0.1:2888/healthz")).status, 200, "listening when it says so");
    } finally {
      await stop(child);
    }
  });

  it("npm run dev restarts the server when a source file changes", async function () {
    this.timeout(60_000);
    const child = spawn("npm", ["run", "dev"], { cwd: ROOT, env: { ...process.env, PORT: "2889", ARENA_WEB_PAGES: "false", ARENA_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const uptime = async () => {
      const res = await fetch("http://127.0.0.1:2889/healthz").catch(() => undefined);
      return res?.ok ? ((await res.json()) as { uptimeSeconds: number }).uptimeSeconds : undefined;
    };
    try {
      await waitFor("the dev server up", async () => (await uptime()) !== undefined, 30_000);
      const listening = output.split("node registered").length;
      const page = path.join(ROOT, "client", "pages", "index.html");
      const now = new Date();
      utimesSync(page, now, now);
      await waitFor("the dev server restarted", async () => output.split("node registered").length > listening && (await uptime()) !== undefined, 30_000);
    } finally {
      process.kill(-child.pid!, "SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
});

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

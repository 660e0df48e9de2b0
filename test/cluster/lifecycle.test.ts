import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { Client } from "colyseus.js";
import { withoutTokenInUrl } from "../../client/withoutTokenInUrl";
import type { MatchState } from "../../schema/MatchState";
import { testToken, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv } from "./ArenaNode";

const ROOT = path.resolve(__dirname, "../..");

const NODE_ENV = clusterEnv({
  // Drain and Redis lines are info.
  ARENA_LOG_LEVEL: "info",
});

interface Probe {
  status: number | "refused";
  body?: { ready?: boolean; reason?: string; text?: string };
}

async function probe(url: string): Promise<Probe> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    return { status: "refused" };
  }
  const text = await res.text();
  return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : { text } };
}

/** Waits until `url` answers `status` (and, for /readyz, `reason`), returning what it answered. */
async function waitForProbe(url: string, status: number, reason?: string, timeoutMs = 10_000): Promise<Probe> {
  let last: Probe = { status: "refused" };
  try {
    await waitFor(`${url}`, async () => {
      last = await probe(url);
      return last.status === status && (reason === undefined || last.body?.reason === reason);
    }, timeoutMs);
  } catch {
    throw new Error(`${url} did not answer ${status} ${reason ?? ""} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
  }
  return last;
}

/** The structured log's lines in a process's output. */
function logLines(output: string): Array<Record<string, unknown>> {
  return output.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every other line (ioredis's own prints, raw stack traces). */
function linesOutsideTheLog(output: string): string[] {
  return output.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("{"));
}

async function player(port: number, name: string): Promise<Client> {
  const client = new Client(`ws://127.0.0.1:${port}`, { urlBuilder: withoutTokenInUrl });
  client.auth.token = await testToken({ name, role: "player" });
  return client;
}

/** `pid` and every process below it, from ps. */
function processTree(pid: number): number[] {
  // ps exits 1 when it lists nothing.
  const listed = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" }).stdout;
  const children = listed.split("\n").filter((line) => line.trim()).map(Number);
  return [pid, ...children.flatMap(processTree)];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("node lifecycle: readiness, drain, Redis outages (real redis-server, node processes)", function () {
  this.timeout(60_000);
  let redis: RedisServer;

  before(async () => {
    redis = await RedisServer.start();
  });
  after(() => redis.stop());

  describe("a Redis outage", () => {
    let node: ArenaNode;

    before(async () => {
      node = await ArenaNode.start(2680, redis.url, NODE_ENV);
      await waitForProbe(`${node.url}/readyz`, 200);
    });
    after(() => node?.kill());

    it("fails readiness (store_unreachable) while Redis is down, liveness stays 200, ready again once it is back", async () => {
      const ready = await probe(`${node.url}/readyz`);
      assert.deepEqual(ready.body, { ready: true });
      const outage = redis.restart(4000);
      await waitForProbe(`${node.url}/readyz`, 503, "store_unreachable", 4000);
      assert.equal((await probe(`${node.url}/healthz`)).status, 200, "liveness is not readiness");
      await outage;
      await waitForProbe(`${node.url}/readyz`, 200);
    });

    it("logs the outage through the structured log, a bounded number of lines, and nothing from ioredis itself", async () => {
      const from = node.output.length;
      // Lines are read from the node's pipe after it answered: a previous outage's last lines may still come
      // in after `from`, so the count keeps to lines the node wrote from this outage on.
      const startedAt = Date.now();
      await redis.restart(4000);
      await waitForProbe(`${node.url}/readyz`, 200);
      assert.doesNotMatch(node.output.slice(from), /Unhandled error event/);
      assert.deepEqual(linesOutsideTheLog(node.output.slice(from)), []);
      // Each client that logged the outage logs its reconnection as it becomes ready.
      await waitFor("every failing client's reconnection logged", () => {
        const lines = logLines(node.output.slice(from)).filter((l) => Number(l.time) >= startedAt);
        const failed = new Set(lines.filter((l) => l.msg === "redis client error").map((l) => l.client));
        const back = new Set(lines.filter((l) => l.msg === "redis client reconnected").map((l) => l.client));
        return failed.size > 0 && [...failed].every((c) => back.has(c));
      });
      const output = node.output.slice(from);
      const redisLines = logLines(output).filter((l) => l.subsystem === "redis" && Number(l.time) >= startedAt);
      const clients = new Set(redisLines.map((l) => l.client));
      // One warning as the outage starts and one line when it ends, per client (a 4 s outage is under the repeat interval).
      assert.ok(redisLines.length <= 2 * clients.size, `at most two lines per client:\n${output}`);
      assert.deepEqual([...clients].sort(), ["driver", "presence.pub", "presence.sub"]);
    });
  });

  it("fails readiness (draining) from SIGTERM on while the node drains, logs the drain's start and end, exits 0", async () => {
    const node = await ArenaNode.start(2681, redis.url, {
      ...NODE_ENV,
      ARENA_COUNTDOWN_SECONDS: "1",
      ARENA_ROUND_SECONDS: "60",
      // The live round holds the drain open this long.
      ARENA_DRAIN_TIMEOUT_SECONDS: "3",
    });
    try {
      await waitForProbe(`${node.url}/readyz`, 200);
      const red = await (await player(node.port, "r")).create<MatchState>("match", { team: "red" });
      const blue = await (await player(node.port, "b")).joinById<MatchState>(red.roomId, { team: "blue" });
      // The drain's notice to the match ("the match closes when the round ends").
      for (const room of [red, blue]) room.onMessage("chat", () => {});
      await waitFor("live", () => red.state.phase === "live", 5000);
      const exited = node.terminate(20_000);
      const draining = await waitForProbe(`${node.url}/readyz`, 503, "draining", 2000);
      assert.deepEqual(draining.body, { ready: false, reason: "draining" });
      assert.equal((await probe(`${node.url}/healthz`)).status, 200, "alive while draining");
      assert.equal(red.state.phase, "live", "still draining: the round runs on");
      assert.equal(await exited, 0);
      const lines = logLines(node.output);
      const started = lines.find((l) => l.msg === "drain started");
      const finished = lines.find((l) => l.msg === "drain finished");
      assert.ok(started && finished, `drain logged:\n${node.output}`);
      assert.equal(started.rooms, 1);
      assert.equal(started.clients, 2);
      assert.ok(Number(finished.durationMs) >= 2500, `the drain waited for the round: ${finished.durationMs} ms`);
    } finally {
      await node.kill();
    }
  });

  describe("npm start", () => {
    let tree: number[] = [];

    // Whatever survived (an orphaned server) must not hold the port for the next run.
    after(() => {
      for (const pid of tree) if (alive(pid)) process.kill(pid, "SIGKILL");
    });

    it("passes an orchestrator's SIGTERM on to the server, which drains and exits; npm exits 0", async () => {
      const port = 2682;
      const env: NodeJS.ProcessEnv = { ...process.env, ...NODE_ENV, PORT: String(port), npm_config_update_notifier: "false" };
      delete env.REDIS_URL;
      const npm = spawn("npm", ["start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      npm.stdout!.on("data", (d) => (output += d));
      npm.stderr!.on("data", (d) => (output += d));
      const npmExit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        npm.once("exit", (code, signal) => resolve({ code, signal })));

      await Promise.race([
        // In process (no Redis), ready as soon as it listens.
        waitForProbe(`http://127.0.0.1:${port}/readyz`, 200, undefined, 30_000),
        npmExit.then((exit) => Promise.reject(new Error(`npm start exited (${JSON.stringify(exit)}):\n${output}`))),
      ]);
      await (await player(port, "p")).create("match", { team: "red" });
      tree = processTree(npm.pid!);
      npm.kill("SIGTERM");

      assert.deepEqual(await npmExit, { code: 0, signal: null }, `npm's exit:\n${output}`);
      await waitFor("every process of the tree gone", () => tree.every((pid) => !alive(pid)), 5000);
      assert.equal((await probe(`http://127.0.0.1:${port}/healthz`)).status, "refused", "the port is closed");
      const logged = logLines(output);
      const started = logged.find((l) => l.msg === "drain started");
      assert.ok(started, `the server drained:\n${output}`);
      assert.equal(started.rooms, 1);
      assert.ok(logged.some((l) => l.msg === "drain finished"), `the drain finished:\n${output}`);
    });
  });
});

import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { acceptsConnections } from "../../server/cluster/localRedis";
import { testToken, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";
import { ArenaNode, clusterEnv } from "./ArenaNode";

const ROOT = path.resolve(__dirname, "../..");
const NGINX = "/usr/sbin/nginx";
/** The example's public ports (443 for any node, 4431 and 4432 per node) and its nodes (10.0.0.11/12:2567) on loopback. */
const PORTS = { any: 2890, node1: 2891, node2: 2892, arena1: 2893, arena2: 2894 };
const AUTH_PER_MINUTE = 5;

/**
 * docs/operations.md's nginx example, as written (TLS off, loopback addresses), in front of two nodes on one
 * Redis with ARENA_TRUST_PROXY=true: the per-address limits see the address nginx saw, whatever a client
 * writes in X-Forwarded-For.
 */
function exampleConfig(dir: string): string {
  const operations = readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");
  const example = operations.match(/```nginx\n([\s\S]*?)```/)?.[1];
  assert.ok(example, "docs/operations.md has an nginx example");
  const servers = example
    .replace(/ ssl;/g, ";")
    .replace(/listen 443;/g, `listen 127.0.0.1:${PORTS.any};`)
    .replace(/listen 4431;/g, `listen 127.0.0.1:${PORTS.node1};`)
    .replace(/listen 4432;/g, `listen 127.0.0.1:${PORTS.node2};`)
    .replace(/10\.0\.0\.11:2567/g, `127.0.0.1:${PORTS.arena1}`)
    .replace(/10\.0\.0\.12:2567/g, `127.0.0.1:${PORTS.arena2}`);
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
  return `daemon off; pid ${path.join(dir, "nginx.pid")}; error_log ${path.join(dir, "error.log")};
events {}
http { access_log off; ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join(" ")}
${servers}
}`;
}

/** A request through nginx from local address `from`, with a forged X-Forwarded-For when given. */
function request(port: number, method: string, url: string, { from, forged, token, body }: { from: string; forged?: string; token?: string; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (forged) headers["X-Forwarded-For"] = forged;
    if (token) headers.Authorization = `Bearer ${token}`;
    const req = http.request({ host: "127.0.0.1", port, method, path: url, localAddress: from, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("nginx in front of two nodes, as docs/operations.md shows it (real nginx, redis-server, node processes)", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let nodes: ArenaNode[] = [];
  let nginx: ChildProcess;
  let dir: string;

  before(async () => {
    redis = await RedisServer.start();
    const env = clusterEnv({ ARENA_TRUST_PROXY: "true", ARENA_GUEST_AUTH: "true", ARENA_AUTH_REQUESTS_PER_MINUTE: String(AUTH_PER_MINUTE) });
    nodes = await Promise.all([
      ArenaNode.start(PORTS.arena1, redis.url, { ...env, ARENA_PUBLIC_ADDRESS: `127.0.0.1:${PORTS.node1}` }),
      ArenaNode.start(PORTS.arena2, redis.url, { ...env, ARENA_PUBLIC_ADDRESS: `127.0.0.1:${PORTS.node2}` }),
    ]);
    dir = mkdtempSync(path.join(os.tmpdir(), "arena-nginx-"));
    writeFileSync(path.join(dir, "nginx.conf"), exampleConfig(dir));
    nginx = spawn(NGINX, ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    let failed = "";
    nginx.stderr!.on("data", (d: Buffer) => (failed += d.toString()));
    await waitFor("nginx listening", async () => {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${failed}`);
      return (await Promise.all([PORTS.any, PORTS.node1, PORTS.node2].map(acceptsConnections))).every(Boolean);
    }, 10_000);
  });
  after(async () => {
    nginx?.kill("SIGTERM");
    await Promise.all(nodes.map((n) => n.kill()));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("rate-limits by the address nginx saw: a forged X-Forwarded-For on every request changes nothing", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const forged = `198.51.100.${i}`;
      statuses.push((await request(PORTS.any, "POST", "/api/auth/guest", { from: "127.0.0.5", forged, body: JSON.stringify({ name: `g${i}`, role: "player" }) })).status);
    }
    // Both nodes count 127.0.0.5 (each its own rate): at most twice the limit got a token.
    assert.ok(statuses.filter((s) => s === 200).length <= 2 * AUTH_PER_MINUTE, statuses.join(","));
    assert.ok(statuses.includes(429), statuses.join(","));
  });

  it("counts seats against the client's own address, on any node, not the one it claims", async () => {
    const player = await testToken({ name: "p", role: "player" });
    const operator = await testToken({ name: "ops", role: "operator" });
    for (const [from, forged] of [["127.0.0.2", undefined], ["127.0.0.3", "203.0.113.9"]] as const) {
      const reserved = await request(PORTS.any, "POST", "/matchmake/joinOrCreate/match", { from, forged, token: player, body: "{}" });
      assert.ok((JSON.parse(reserved.body) as { sessionId?: string }).sessionId, reserved.body);
    }
    const { body } = await request(PORTS.any, "GET", "/api/connections", { from: "127.0.0.9", token: operator });
    const top = (JSON.parse(body) as { top: Array<{ ip: string; connections: number }> }).top.map((t) => t.ip);
    assert.ok(top.includes("127.0.0.2") && top.includes("127.0.0.3"), `seats counted for ${top.join(", ")}`);
    assert.ok(!top.includes("203.0.113.9"), "the forged address counts nothing");
  });
});

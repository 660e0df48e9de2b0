import { ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { bundle } from "../../server/bundle";
import { acceptsConnections } from "../../server/cluster/localRedis";
import { TEST_SECRET, waitFor } from "../helpers";
import { RedisServer } from "../redisServer";

const ROOT = path.resolve(__dirname, "../..");

/** The broadcast signing key every node of this test process shares (a token or broadcast of one must verify on all). */
const SIGNING_KEY = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

/**
 * The environment the nodes of a test cluster share: the token secret, the signing key, no browser pages, and
 * per-address limits out of the way of tests that open many connections from loopback; `overrides` on top.
 */
export function clusterEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ARENA_JWT_SECRET: TEST_SECRET,
    ARENA_SIGNING_KEY: SIGNING_KEY,
    ARENA_WEB_PAGES: "false",
    ARENA_MAX_CONNECTIONS_PER_IP: "200",
    ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "100000",
    ARENA_PUBLISH_REQUESTS_PER_MINUTE: "100000",
    ...overrides,
  };
}

/** The server bundle the nodes run, built once per test process. */
let serverBundle: Promise<string> | undefined;

/** An Arena node as its own process (the bundle `npm start` builds and runs), as ops would run it. */
export class ArenaNode {
  readonly child: ChildProcess;
  output = "";
  private exited = false;
  exitCode: number | null = null;

  private constructor(readonly port: number, env: Record<string, string>, server: string) {
    this.child = spawn(process.execPath, [server], {
      cwd: ROOT,
      env: { ...process.env, ARENA_LOG_LEVEL: "warn", ...env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.on("data", (d) => (this.output += d));
    this.child.stderr!.on("data", (d) => (this.output += d));
    this.child.on("exit", (code) => {
      this.exited = true;
      this.exitCode = code;
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get ws(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Starts a node on `port` sharing `redisUrl`, and waits until /healthz answers. */
  static async start(port: number, redisUrl: string, env: Record<string, string> = {}): Promise<ArenaNode> {
    // Another server on the port would answer the health check in the node's place (a suite's leftover, a
    // clash of ports between suites): say so rather than test the wrong server.
    if (await acceptsConnections(port)) throw new Error(`port ${port} is already in use: pick another for this node`);
    serverBundle ??= bundle("main.ts");
    const node = new ArenaNode(port, { REDIS_URL: redisUrl, ARENA_PUBLIC_ADDRESS: `127.0.0.1:${port}`, ...env }, await serverBundle);
    let healthy = false;
    await waitFor(`node on ${port} to be healthy`, () => {
      if (node.exited) throw new Error(`node on ${port} exited: ${node.output}`);
      void fetch(`${node.url}/healthz`).then((r) => (healthy = r.ok), () => {});
      return healthy;
    }, 30_000);
    return node;
  }

  /** kill -9: no cleanup of any kind. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const done = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGKILL");
    await done;
  }

  /** SIGTERM, then the exit code once the process has drained. */
  async terminate(timeoutMs = 30_000): Promise<number | null> {
    if (!this.exited) {
      const done = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
    }
    return this.exitCode;
  }
}

export interface SuiteCluster {
  readonly redis: RedisServer;
  readonly a: ArenaNode;
  readonly b: ArenaNode;
}

/**
 * A redis-server and two nodes on it, on `ports`, for the enclosing describe block: mocha hooks start them
 * before its first test and kill them after its last.
 */
export function clusterForSuite(ports: [number, number], env: Record<string, string>): SuiteCluster {
  let cluster: { redis: RedisServer; a: ArenaNode; b: ArenaNode } | undefined;
  before(async () => {
    const redis = await RedisServer.start();
    const [a, b] = await Promise.all(ports.map((port) => ArenaNode.start(port, redis.url, env)));
    cluster = { redis, a, b };
  });
  after(async () => {
    if (!cluster) return;
    await Promise.all([cluster.a.kill(), cluster.b.kill()]);
    await cluster.redis.stop();
  });
  const started = () => {
    if (!cluster) throw new Error(`the cluster on ${ports.join(", ")} is used before its suite started it`);
    return cluster;
  };
  return {
    get redis() { return started().redis; },
    get a() { return started().a; },
    get b() { return started().b; },
  };
}

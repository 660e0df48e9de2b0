import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { bundle } from "../../server/bundle";
import { waitFor } from "../helpers";

const ROOT = path.resolve(__dirname, "../..");

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

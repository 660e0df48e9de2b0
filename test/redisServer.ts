import { ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { acceptsConnections, localRedisArgs } from "../server/cluster/localRedis";
import { waitFor } from "./helpers";

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Kills `children` (SIGKILL, no cleanup of theirs) and removes `dir`: the end of a throwaway Redis setup. */
export async function killAndRemove(children: ChildProcess[], dir: string): Promise<void> {
  await Promise.all(children.map((child) => {
    if (child.exitCode !== null) return undefined;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    return exited;
  }));
  await rm(dir, { recursive: true, force: true });
}

/**
 * A real Debian redis-server on a free loopback port, without automatic
 * persistence (test/setup.sh installs the package), its snapshot file in a
 * directory of its own. `restart` keeps the port.
 */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number, private readonly dir: string) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), await mkdtemp(path.join(os.tmpdir(), "arena-redis-")));
    await server.launch();
    return server;
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Stops Redis and starts it again on the same port after `downMs`. By default it comes back
   * empty (a crash without persistence, or a failover to an empty replica); with `keepData` it
   * snapshots as it stops and comes back with everything it held (a Redis with persistence).
   */
  async restart(downMs = 0, { keepData = false } = {}): Promise<void> {
    await this.down({ keepData });
    await new Promise((r) => setTimeout(r, downMs));
    await this.up();
  }

  /** Stops Redis until `up()`: an outage that lasts as long as the test needs, whatever the machine's pace. */
  async down({ keepData = false } = {}): Promise<void> {
    if (keepData) {
      await this.shutdownSaving();
    } else {
      await this.kill();
      await rm(this.snapshotFile, { force: true });
    }
  }

  /** Starts Redis again on the same port (after `down()`). */
  up(): Promise<void> {
    return this.launch();
  }

  private get snapshotFile(): string {
    return path.join(this.dir, "dump.rdb");
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** SHUTDOWN SAVE: writes the snapshot (even with no save points configured), then exits. */
  private async shutdownSaving(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const socket = net.connect(this.port, "127.0.0.1", () => socket.end("SHUTDOWN SAVE\r\n"));
    socket.on("error", () => {}); // Redis closes the connection as it exits
    await exited;
  }

  private async launch(): Promise<void> {
    this.child = spawn("redis-server", [...localRedisArgs(this.port), "--dir", this.dir], { stdio: "ignore" });
    let ready = false;
    await waitFor("redis-server to accept connections", () => {
      void acceptsConnections(this.port).then((ok) => (ready = ok));
      return ready;
    }, 10_000);
  }
}

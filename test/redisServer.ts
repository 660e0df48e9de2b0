import { ChildProcess, spawn } from "node:child_process";
import net from "node:net";
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

/**
 * A real Debian redis-server on a free loopback port, without persistence
 * (test/setup.sh installs the package). `restart` keeps the port.
 */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.launch();
    return server;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async restart(downMs = 0): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.launch();
  }

  private async launch(): Promise<void> {
    this.child = spawn("redis-server", localRedisArgs(this.port), { stdio: "ignore" });
    let ready = false;
    await waitFor("redis-server to accept connections", () => {
      void acceptsConnections(this.port).then((ok) => (ready = ok));
      return ready;
    }, 10_000);
  }
}

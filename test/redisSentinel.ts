import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { acceptsConnections, localRedisArgs } from "../server/cluster/localRedis";
import { waitFor } from "./helpers";
import { freePort, killAndRemove } from "./redisServer";

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();

/**
 * A master, a replica of it and a sentinel watching them, from Debian's
 * redis-server on loopback (`redis-server <conf> --sentinel`), no persistence.
 */
export class RedisSentinel {
  static readonly NAME = "arena";

  private constructor(readonly master: number, readonly replica: number, readonly sentinel: number, private readonly children: ChildProcess[], private readonly dir: string) {}

  /** As REDIS_SENTINELS takes them. */
  get sentinels(): string {
    return `127.0.0.1:${this.sentinel}`;
  }

  static async start(): Promise<RedisSentinel> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "arena-redis-sentinel-"));
    const [master, replica, sentinel] = [await freePort(), await freePort(), await freePort()];
    const conf = path.join(dir, "sentinel.conf");
    await writeFile(conf, [
      `port ${sentinel}`, "bind 127.0.0.1", `dir ${dir}`,
      `sentinel monitor ${RedisSentinel.NAME} 127.0.0.1 ${master} 1`,
      `sentinel down-after-milliseconds ${RedisSentinel.NAME} 1000`,
      `sentinel failover-timeout ${RedisSentinel.NAME} 5000`,
    ].join("\n") + "\n");
    const children = [
      spawn("redis-server", [...localRedisArgs(master), "--dir", dir, "--dbfilename", `m-${master}.rdb`], { stdio: "ignore" }),
      spawn("redis-server", [...localRedisArgs(replica), "--dir", dir, "--dbfilename", `r-${replica}.rdb`, "--replicaof", "127.0.0.1", String(master)], { stdio: "ignore" }),
    ];
    await waitFor("master and replica up", async () => (await Promise.all([master, replica].map(acceptsConnections))).every(Boolean), 10_000);
    children.push(spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" }));
    const setup = new RedisSentinel(master, replica, sentinel, children, dir);
    await waitFor("the sentinel to know the replica", async () => {
      if (!(await acceptsConnections(sentinel))) return false;
      return (await cli(sentinel, "SENTINEL", "replicas", RedisSentinel.NAME)).includes(String(replica));
    }, 20_000);
    return setup;
  }

  /** The port of the master the sentinel names now. */
  async currentMaster(): Promise<number> {
    const [, port] = (await cli(this.sentinel, "SENTINEL", "get-master-addr-by-name", RedisSentinel.NAME)).split("\n");
    return Number(port);
  }

  /** SENTINEL FAILOVER once the replica has every write (WAIT): resolves when the sentinel names the new master. */
  async failover(): Promise<void> {
    const before = await this.currentMaster();
    await cli(before, "WAIT", "1", "5000");
    await cli(this.sentinel, "SENTINEL", "FAILOVER", RedisSentinel.NAME);
    await waitFor("the sentinel to name the new master", async () => (await this.currentMaster()) !== before, 30_000);
  }

  stop(): Promise<void> {
    return killAndRemove(this.children, this.dir);
  }
}

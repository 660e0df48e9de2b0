import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { acceptsConnections, localRedisArgs } from "../server/cluster/localRedis";
import { waitFor } from "./helpers";
import { freePort, killAndRemove } from "./redisServer";

const run = promisify(execFile);

/**
 * A real Redis Cluster of three masters from Debian's redis-server on loopback
 * (`--cluster-enabled yes`, joined by `redis-cli --cluster create`), no
 * replicas, no persistence, in a directory of its own.
 */
export class RedisCluster {
  private constructor(readonly ports: number[], private readonly children: ChildProcess[], private readonly dir: string) {}

  /** host:port seeds, as REDIS_CLUSTER_NODES takes them. */
  get seeds(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(",");
  }

  /** The seeds as ioredis's Cluster (and @colyseus/redis-presence) take them. */
  get nodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: "127.0.0.1", port }));
  }

  static async start(masters = 3): Promise<RedisCluster> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "arena-redis-cluster-"));
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await freePort());
    const children = ports.map((port) =>
      spawn("redis-server", [...localRedisArgs(port), "--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`], { stdio: "ignore" }),
    );
    const cluster = new RedisCluster(ports, children, dir);
    await waitFor("the cluster's redis-servers to accept connections", async () => (await Promise.all(ports.map(acceptsConnections))).every(Boolean), 10_000);
    await run("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
    await waitFor("every node to see the cluster ok", async () => {
      const states = await Promise.all(ports.map(async (p) => (await run("redis-cli", ["-p", String(p), "cluster", "info"])).stdout));
      return states.every((info) => info.includes("cluster_state:ok"));
    }, 20_000);
    return cluster;
  }

  stop(): Promise<void> {
    return killAndRemove(this.children, this.dir);
  }
}

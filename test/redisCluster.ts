import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { acceptsConnections, localRedisArgs } from "../server/cluster/localRedis";
import { waitFor } from "./helpers";
import { freePort, killAndRemove } from "./redisServer";

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();

/**
 * A real Redis Cluster of three masters from Debian's redis-server on loopback
 * (`--cluster-enabled yes`, joined by `redis-cli --cluster create`), with a
 * replica each when asked, no persistence, in a directory of its own.
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

  static async start({ masters = 3, replicas = 0 }: { masters?: number; replicas?: 0 | 1 } = {}): Promise<RedisCluster> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "arena-redis-cluster-"));
    const ports: number[] = [];
    for (let i = 0; i < masters * (1 + replicas); i++) ports.push(await freePort());
    const children = ports.map((port) =>
      spawn("redis-server", [...localRedisArgs(port), "--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`], { stdio: "ignore" }),
    );
    const cluster = new RedisCluster(ports, children, dir);
    await waitFor("the cluster's redis-servers to accept connections", async () => (await Promise.all(ports.map(acceptsConnections))).every(Boolean), 10_000);
    await run("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", String(replicas), "--cluster-yes"]);
    await cluster.waitUntilOk();
    // A replica still in its first sync would abort a manual failover.
    await waitFor("every replica in sync with its master", async () => {
      const links = await Promise.all(ports.map((p) => cli(p, "INFO", "replication")));
      return links.every((info) => info.includes("role:master") || info.includes("master_link_status:up"));
    }, 20_000);
    return cluster;
  }

  /** The ports of the nodes that are masters now. */
  async masters(): Promise<number[]> {
    const roles = await Promise.all(this.ports.map(async (port) => ((await cli(port, "ROLE")).startsWith("master") ? [port] : [])));
    return roles.flat();
  }

  /**
   * Fails every master over to its replica, one after the other: `CLUSTER FAILOVER` on the replica (the
   * manual failover, which waits until the replica has every write of its master), then waits until the
   * replica is master, every node's view of the cluster says so and every node sees the cluster ok, before
   * the next one. The old masters go on as replicas.
   */
  async failOverEveryMaster(): Promise<void> {
    for (const master of await this.masters()) {
      const promoted = await this.replicaOf(master);
      const id = await cli(promoted, "CLUSTER", "MYID");
      await cli(promoted, "CLUSTER", "FAILOVER");
      await waitFor(`${promoted} to take over from ${master}`, async () => (await cli(promoted, "ROLE")).startsWith("master"), 20_000);
      // Until then a node could still send clients (MOVED) to the old master.
      await waitFor(`every node to see ${promoted} as master`, async () => {
        const views = await Promise.all(this.ports.map((p) => cli(p, "CLUSTER", "NODES")));
        return views.every((view) => view.split("\n").some((line) => line.startsWith(`${id} `) && line.split(" ")[2].split(",").includes("master")));
      }, 20_000);
      await this.waitUntilOk();
    }
  }

  /** The port of a replica of `master`. */
  private async replicaOf(master: number): Promise<number> {
    for (const port of this.ports) {
      const [role, , masterPort] = (await cli(port, "ROLE")).split("\n");
      if (role === "slave" && Number(masterPort) === master) return port;
    }
    throw new Error(`master ${master} has no replica: start the cluster with replicas`);
  }

  private waitUntilOk(): Promise<void> {
    return waitFor("every node to see the cluster ok", async () => {
      const states = await Promise.all(this.ports.map((p) => cli(p, "CLUSTER", "INFO")));
      return states.every((info) => info.includes("cluster_state:ok"));
    }, 20_000);
  }

  stop(): Promise<void> {
    return killAndRemove(this.children, this.dir);
  }
}

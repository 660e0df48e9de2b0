import { matchMaker, Presence } from "@colyseus/core";
import { COLYSEUS_LOBBY_CHANNEL, nodeAliveKey, NODES_KEY } from "./keys";
import { logger } from "../logger";

export interface NodeInfo {
  id: string;
  /** host:port clients reach this node at. */
  address: string;
  rooms: number;
  clients: number;
  /** Share of one core the process used over the last heartbeat interval, 0..1+. */
  cpu: number;
  rssBytes: number;
  draining: boolean;
  seenAt: number;
}

export interface NodeRegistryOptions {
  nodeId: string;
  address: string;
  heartbeatSeconds: number;
  /** A node silent for this long is dead: survivors remove its rooms. */
  ttlSeconds: number;
}

const log = logger.child({ subsystem: "nodes" });

/**
 * Liveness of the nodes sharing one presence. Each node refreshes a key with a
 * TTL every heartbeat; every node sweeps the registry and cleans up after any
 * node whose key expired: its rooms leave matchmaking, listings and lobbies.
 * Colyseus 0.16 never expires a dead process by itself (colyseus#389).
 */
export class NodeRegistry {
  private timer?: NodeJS.Timeout;
  private lastCpu = process.cpuUsage();
  private lastBeat = performance.now();
  private draining = false;
  private readonly deadNodeListeners: Array<(nodeId: string) => Promise<void> | void> = [];

  constructor(private readonly presence: Presence, private readonly options: NodeRegistryOptions) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** Takes this node out of room placement at once (SIGTERM); it stays listed, marked draining. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.beat();
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().then(() => this.sweep()).catch((err) => log.warn({ err }, "heartbeat failed")),
      this.options.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  /**
   * Stops beating. Called after Colyseus has shut presence down, so the entry
   * is not deleted here: it expires, and survivors sweep it within the TTL.
   */
  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs after the survivors removed a dead node's rooms (e.g. to give back its connection counts). */
  onDeadNode(listener: (nodeId: string) => Promise<void> | void): void {
    this.deadNodeListeners.push(listener);
  }

  /** Every node that still beats. */
  async list(): Promise<NodeInfo[]> {
    const all = await this.presence.hgetall(NODES_KEY);
    const nodes = Object.values(all ?? {}).map((raw) => JSON.parse(raw) as NodeInfo);
    const alive = await Promise.all(nodes.map((n) => this.presence.exists(nodeAliveKey(n.id))));
    return nodes.filter((_, i) => alive[i]);
  }

  /**
   * Where matchmaking creates a room: the live, non-draining node with the
   * fewest clients, then the fewest rooms (Colyseus's default ignores liveness).
   */
  readonly selectNodeForNewRoom = async (): Promise<string> => {
    const live = (await this.list()).filter((n) => !n.draining);
    // Colyseus's counts are fresher (saved within a second of a change) but hold no entry for a node
    // that has not had a room yet: the heartbeat's counts stand in for those.
    const stats = new Map((await matchMaker.stats.fetchAll()).map((s) => [s.processId, s]));
    const load = live.map((n) => ({ id: n.id, clients: stats.get(n.id)?.ccu ?? n.clients, rooms: stats.get(n.id)?.roomCount ?? n.rooms }));
    load.sort((a, b) => a.clients - b.clients || a.rooms - b.rooms);
    return load[0]?.id ?? this.options.nodeId;
  };

  private async beat(): Promise<void> {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMicros = (now - this.lastBeat) * 1000;
    this.lastCpu = process.cpuUsage();
    this.lastBeat = now;
    const info: NodeInfo = {
      id: this.options.nodeId,
      address: this.options.address,
      rooms: matchMaker.stats.local.roomCount,
      clients: matchMaker.stats.local.ccu,
      cpu: elapsedMicros > 0 ? (cpu.user + cpu.system) / elapsedMicros : 0,
      rssBytes: process.memoryUsage.rss(),
      draining: this.draining,
      seenAt: Date.now(),
    };
    await this.presence.setex(nodeAliveKey(info.id), "1", this.options.ttlSeconds);
    await this.presence.hset(NODES_KEY, info.id, JSON.stringify(info));
  }

  private async sweep(): Promise<void> {
    const all = await this.presence.hgetall(NODES_KEY);
    for (const id of Object.keys(all ?? {})) {
      if (id === this.options.nodeId || (await this.presence.exists(nodeAliveKey(id)))) continue;
      await this.cleanUpAfter(id);
    }
  }

  private async cleanUpAfter(deadId: string): Promise<void> {
    // Whoever removes the registry entry first does the cleanup; the others see 0 and skip.
    if (!(await this.presence.hdel(NODES_KEY, deadId))) return;
    const rooms = await matchMaker.query({ processId: deadId });
    log.warn({ node: deadId, rooms: rooms.length }, "node stopped beating: removing its rooms");
    await matchMaker.stats.excludeProcess(deadId);
    await matchMaker.driver.cleanup?.(deadId);
    for (const room of rooms) this.presence.publish(COLYSEUS_LOBBY_CHANNEL, `${room.roomId},1`);
    for (const listener of this.deadNodeListeners) await listener(deadId);
  }
}

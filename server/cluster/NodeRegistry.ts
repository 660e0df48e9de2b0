import { matchMaker, Presence, Room } from "@colyseus/core";
import { nodeAliveKey, NODES_KEY, RELIST_CHANNEL } from "./keys";
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
 * Colyseus 0.16 never expires a dead process by itself (colyseus#389), and when
 * its own health check removes a dead process's rooms it tells no lobby: the
 * sweep tells them in both cases. After the store comes back, `reregister`
 * writes this node and its rooms into it again.
 */
export class NodeRegistry {
  private timer?: NodeJS.Timeout;
  private lastCpu = process.cpuUsage();
  private lastBeat = performance.now();
  private draining = false;
  private readonly deadNodeListeners: Array<(nodeId: string) => Promise<void> | void> = [];
  /** When the last beat reached the store (performance.now()). */
  private lastBeatStored?: number;
  /** No node is taken for dead before this (performance.now()). */
  private sweepAfter = 0;

  constructor(
    private readonly presence: Presence,
    private readonly options: NodeRegistryOptions,
    private readonly localRooms: Iterable<Room>,
  ) {}

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

  /**
   * Writes this node and its rooms into the store again, after it came back empty (no
   * persistence, a failover) or missing what changed while it was away: each local room's
   * cache, without the caches of this node's rooms that ended meanwhile, the room counts and
   * the registry entry; then every lobby re-reads the listing. Reconnection and join by id
   * find the rooms again; new lobbies list them.
   */
  async reregister(): Promise<void> {
    let rooms = 0;
    for (const room of this.localRooms) {
      await room.listing.save();
      rooms++;
    }
    // Matchmaking holds a room before it first saves its cache, so a room made meanwhile is not taken for ended.
    const ended = (await matchMaker.query({ processId: this.nodeId })).filter((cached) => !matchMaker.getLocalRoomById(cached.roomId));
    for (const { roomId } of ended) await (await matchMaker.driver.findOne({ roomId }))?.remove();
    await matchMaker.stats.persist(true);
    await this.beat();
    await this.presence.publish(RELIST_CHANNEL, this.nodeId);
    log.info({ rooms, ended: ended.length }, "store back: node and rooms registered again");
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
    this.holdSweepsIfLate();
  }

  /**
   * A beat that reached the store late (the store was unreachable, or this process stalled)
   * means the other nodes' beats may be late for the same reason, their keys expired while
   * they live: they get a TTL to beat again before any is taken for dead.
   */
  private holdSweepsIfLate(): void {
    const now = performance.now();
    const { heartbeatSeconds, ttlSeconds } = this.options;
    if (this.lastBeatStored !== undefined && now - this.lastBeatStored > (ttlSeconds - heartbeatSeconds) * 1000) {
      this.sweepAfter = now + ttlSeconds * 1000;
    }
    this.lastBeatStored = now;
  }

  private async sweep(): Promise<void> {
    if (performance.now() < this.sweepAfter) return;
    const all = await this.presence.hgetall(NODES_KEY);
    for (const id of Object.keys(all ?? {})) {
      if (id === this.options.nodeId || (await this.presence.exists(nodeAliveKey(id)))) continue;
      await this.cleanUpAfter(id);
    }
  }

  private async cleanUpAfter(deadId: string): Promise<void> {
    // Whoever removes the registry entry first does the cleanup; the others see 0 and skip.
    if (!(await this.presence.hdel(NODES_KEY, deadId))) return;
    // Colyseus's health check (matchmaking found the node not answering) may have removed the
    // caches already, and told no lobby: the lobbies re-read the listing in every case.
    const rooms = await matchMaker.query({ processId: deadId });
    log.warn({ node: deadId, rooms: rooms.length }, "node stopped beating: removing its rooms");
    await matchMaker.stats.excludeProcess(deadId);
    await matchMaker.driver.cleanup?.(deadId);
    await this.presence.publish(RELIST_CHANNEL, deadId);
    for (const listener of this.deadNodeListeners) await listener(deadId);
  }
}

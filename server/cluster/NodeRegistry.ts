import { matchMaker, Presence, Room } from "@colyseus/core";
import { nodeAliveKey, NODES_KEY, PLACED_ROOMS_KEY, RELIST_CHANNEL } from "./keys";
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
  /** Share of new rooms this node takes relative to the others (ARENA_NODE_WEIGHT). */
  weight: number;
  draining: boolean;
  seenAt: number;
}

export interface NodeRegistryOptions {
  nodeId: string;
  address: string;
  heartbeatSeconds: number;
  /** A node silent for this long is dead: survivors remove its rooms. */
  ttlSeconds: number;
  /** ARENA_NODE_WEIGHT. */
  weight: number;
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
  /** This node's placements, one after the other: each sees the ones before it. */
  private placing: Promise<unknown> = Promise.resolve();

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
   * fewest rooms for its weight (ARENA_NODE_WEIGHT), counting the rooms just
   * placed there, then the fewest clients (Colyseus's default ignores liveness).
   * Colyseus saves room counts about once a second, so a burst of creations
   * read the same counts and went to one node. Here each node's room count is
   * a counter in presence (PLACED_ROOMS_KEY): a placement adds one at once,
   * and every heartbeat sets the node's own entry back to its real count; this
   * node's placements run one after the other, each seeing the ones before it.
   */
  readonly selectNodeForNewRoom = (): Promise<string> => {
    const chosen = this.placing.then(() => this.place());
    this.placing = chosen.catch(() => {});
    return chosen;
  };

  private async place(): Promise<string> {
    const [live, rooms] = await Promise.all([this.list(), this.presence.hgetall(PLACED_ROOMS_KEY)]);
    const load = live.filter((n) => !n.draining).map((n) => {
      const weight = n.weight > 0 ? n.weight : 1;
      return { id: n.id, rooms: Number(rooms?.[n.id] ?? n.rooms) / weight, clients: n.clients / weight };
    });
    load.sort((a, b) => a.rooms - b.rooms || a.clients - b.clients);
    const id = load[0]?.id ?? this.options.nodeId;
    await this.presence.hincrby(PLACED_ROOMS_KEY, id, 1);
    return id;
  }

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
      weight: this.options.weight,
      draining: this.draining,
      seenAt: Date.now(),
    };
    await this.presence.setex(nodeAliveKey(info.id), "1", this.options.ttlSeconds);
    await this.presence.hset(NODES_KEY, info.id, JSON.stringify(info));
    // The placements counted since the last beat have become rooms (or failed to): the real count settles them.
    await this.presence.hset(PLACED_ROOMS_KEY, info.id, String(info.rooms));
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
    await this.presence.hdel(PLACED_ROOMS_KEY, deadId);
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

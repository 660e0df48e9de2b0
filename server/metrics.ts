import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** A running total a hot path adds to with a plain `+=`. */
export interface Tally {
  value: number;
}

/**
 * A Prometheus counter for paths that run per client per tick or per message:
 * prom-client hashes labels on every `inc`, even on a labelled child, which
 * showed in the benchmark's profile. Here the hot path adds to a Tally and the
 * totals are handed to prom-client only when /metrics is scraped.
 */
export class HotCounter {
  private readonly tallies = new Map<string, { labels: string[]; tally: Tally }>();

  constructor(registry: Registry, name: string, help: string, labelNames: string[]) {
    const tallies = this.tallies;
    new Counter({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        for (const { labels, tally } of tallies.values()) this.labels(...labels).inc(tally.value);
      },
    });
  }

  /** The tally for these label values; keep it, and add to it. */
  tally(...labels: string[]): Tally {
    const key = labels.join("\u0000");
    let entry = this.tallies.get(key);
    if (!entry) this.tallies.set(key, (entry = { labels, tally: { value: 0 } }));
    return entry.tally;
  }
}

/** What the room gauges count: rooms add and remove themselves, the gauges read them at scrape time. */
interface CountedRoom {
  readonly roomName: string;
  readonly clients: { readonly length: number };
}

/**
 * prom-client's default figures that list every handle, resource or open descriptor of the process on
 * each scrape: every socket. With 10,000 sockets open those listings took about 20 ms a scrape (the handles
 * listed twice, 3.1-3.5 ms each; the resources twice, 1.6-1.9 ms each; /proc/self/fd 9-11 ms), and a match's
 * tick waited behind them. `arena_clients` counts the connections instead.
 */
const LISTING_DEFAULT_METRICS = [
  "nodejs_active_handles", "nodejs_active_handles_total", "nodejs_active_resources", "nodejs_active_resources_total", "process_open_fds",
];

/**
 * One server's Prometheus metrics and their registry (/metrics), built by the
 * composition root and handed to what records into them. Rooms hold
 * pre-labelled children so the hot path (per tick, per message) does no label lookup.
 */
export class ArenaMetrics {
  readonly registry = new Registry();
  /** Rooms alive on this node. */
  readonly liveRooms = new Set<CountedRoom>();
  /**
   * Where the signage subscriber gauge reads its counts at scrape time (signage
   * channels only: match channels are per room and would explode the label set).
   */
  readonly signageSubscriberSources = new Set<() => Iterable<[channel: string, subscribers: number]>>();
  /** Connections on this node per identity (`sub`) with a user channel feed: kept by the rooms' user feeds. */
  readonly userConnections = new Map<string, number>();

  readonly tickDuration: Histogram<"type">;
  readonly tickInterval: Histogram<"type">;
  readonly tickJitter: Histogram<"type">;
  readonly stepsTotal: Counter<"type">;
  readonly bytesSent: HotCounter;
  readonly patchesSent: HotCounter;
  readonly messagesIn: HotCounter;
  readonly messagesOut: HotCounter;
  readonly inputsRejected: Counter<"reason">;
  readonly errorsSent: Counter<"code">;
  readonly disconnects: Counter<"type" | "code">;
  readonly fanoutPublishes: Counter;
  readonly fanoutLatency: Histogram<"kind">;
  readonly relayed: Counter<"kind">;
  readonly connectionsRefused: Counter<"code">;
  readonly authRefused: Counter<"code">;
  readonly messagesDropped: Counter<"type" | "message">;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    for (const name of LISTING_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    const liveRooms = this.liveRooms;
    const countByType = (count: (room: CountedRoom) => number): Map<string, number> => {
      const byType = new Map<string, number>();
      for (const room of liveRooms) byType.set(room.roomName, (byType.get(room.roomName) ?? 0) + count(room));
      return byType;
    };
    new Gauge({
      name: "arena_rooms", help: "Rooms open on this node, by room type.", labelNames: ["type"], registers,
      collect() {
        this.reset();
        for (const [type, n] of countByType(() => 1)) this.labels(type).set(n);
      },
    });
    new Gauge({
      name: "arena_clients", help: "Connected clients on this node, by room type.", labelNames: ["type"], registers,
      collect() {
        this.reset();
        for (const [type, n] of countByType((room) => room.clients.length)) this.labels(type).set(n);
      },
    });
    this.tickDuration = new Histogram({
      name: "arena_tick_duration_seconds",
      help: "Work time of one loop wake: the fixed steps it ran plus the state patch.",
      labelNames: ["type"],
      buckets: [0.000025, 0.00005, 0.000075, 0.0001, 0.00015, 0.0002, 0.00025, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.008, 0.012, 0.016, 0.033],
      registers,
    });
    this.tickInterval = new Histogram({
      name: "arena_tick_interval_seconds",
      help: "Wall time between two loop wakes that ran steps (target 1/60 s).",
      labelNames: ["type"],
      buckets: [0.010, 0.014, 0.015, 0.016, 0.0165, 0.0167, 0.017, 0.0175, 0.018, 0.019, 0.020, 0.0205, 0.021, 0.022, 0.023, 0.025, 0.033, 0.050],
      registers,
    });
    this.tickJitter = new Histogram({
      name: "arena_tick_jitter_seconds",
      help: "|interval between two loop wakes that ran steps - the fixed step|: how unevenly patches leave.",
      labelNames: ["type"],
      buckets: [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.006, 0.008, 0.012, 0.017, 0.025, 0.05, 0.1],
      registers,
    });
    this.stepsTotal = new Counter({
      name: "arena_simulation_steps_total", help: "Fixed simulation steps run.", labelNames: ["type"], registers,
    });
    this.bytesSent = new HotCounter(this.registry, "arena_bytes_sent_total", "Bytes written to client sockets, by room type and kind (patch, message, protocol).", ["type", "kind"]);
    this.patchesSent = new HotCounter(this.registry, "arena_patches_total",
      "Tick patches sent, by room type and encoding: shared (encoded once for every client) or per_view (a client's view had private changes of its own).",
      ["type", "encoding"]);
    this.messagesIn = new HotCounter(this.registry, "arena_messages_in_total", "Client messages received, by room type and message type.", ["type", "message"]);
    this.messagesOut = new HotCounter(this.registry, "arena_messages_out_total", "Messages sent to clients (not patches), by room type and message type.", ["type", "message"]);
    this.inputsRejected = new Counter({
      name: "arena_inputs_rejected_total", help: "Inputs dropped or clamped, by reason.", labelNames: ["reason"], registers,
    });
    this.errorsSent = new Counter({
      name: "arena_errors_sent_total", help: "`error` messages sent, by code.", labelNames: ["code"], registers,
    });
    this.disconnects = new Counter({
      name: "arena_disconnects_total", help: "Client disconnects, by close code.", labelNames: ["type", "code"], registers,
    });
    this.fanoutPublishes = new Counter({
      name: "arena_fanout_publishes_total", help: "Numbered channel messages published on this node.", registers,
    });
    this.fanoutLatency = new Histogram({
      name: "arena_fanout_latency_seconds",
      help: "Relay latency: publish (seq assigned) to the hand-off to the last of a room's live subscribers, per message per room, by channel kind (signage, chat, user).",
      labelNames: ["kind"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.5, 1],
      registers,
    });
    this.relayed = new Counter({
      name: "arena_fanout_relayed_total", help: "Channel messages handed to subscribers' sockets, by channel kind.", labelNames: ["kind"], registers,
    });
    this.connectionsRefused = new Counter({
      name: "arena_connections_refused_total",
      help: "WebSocket upgrades and matchmaking requests refused before any room work, by code.",
      labelNames: ["code"],
      registers,
    });
    this.authRefused = new Counter({
      name: "arena_auth_refused_total", help: "Tokens refused (matchmaking and HTTP), by code.", labelNames: ["code"], registers,
    });
    this.messagesDropped = new Counter({
      name: "arena_messages_rate_limited_total",
      help: "Client messages dropped for exceeding their type's rate, by room type and message type.",
      labelNames: ["type", "message"],
      registers,
    });
    const userConnections = this.userConnections;
    new Gauge({
      name: "arena_users_connected", help: "Identities with at least one connection on this node.", registers,
      collect() {
        this.set(userConnections.size);
      },
    });
    new Gauge({
      name: "arena_user_connections",
      help: "Connections on this node fed by their identity's user channel (over arena_users_connected: connections per user).",
      registers,
      collect() {
        let total = 0;
        for (const n of userConnections.values()) total += n;
        this.set(total);
      },
    });
    const sources = this.signageSubscriberSources;
    new Gauge({
      name: "arena_signage_subscribers",
      help: "Local subscribers per signage channel.",
      labelNames: ["channel"],
      registers,
      collect() {
        this.reset();
        for (const source of sources) for (const [channel, n] of source()) this.labels(channel).inc(n);
      },
    });
  }
}

/**
 * Records one loop wake that ran simulation steps. Every room with a game loop
 * (and the benchmark's peers) records through this, so tick figures are measured
 * the same way everywhere.
 */
export class TickRecorder {
  private readonly steps;
  private readonly work;
  private readonly interval;
  private readonly jitter;

  constructor(metrics: ArenaMetrics, roomType: string, private readonly stepSeconds: number) {
    this.steps = metrics.stepsTotal.labels(roomType);
    this.work = metrics.tickDuration.labels(roomType);
    this.interval = metrics.tickInterval.labels(roomType);
    this.jitter = metrics.tickJitter.labels(roomType);
  }

  record(steps: number, workMs: number, sinceLastWakeMs: number): void {
    this.steps.inc(steps);
    this.work.observe(workMs / 1000);
    this.interval.observe(sinceLastWakeMs / 1000);
    this.jitter.observe(Math.abs(sinceLastWakeMs / 1000 - this.stepSeconds));
  }
}

/** The kinds of channel, as the relay metrics label them. */
export type ChannelKind = "signage" | "chat" | "user";

/** Records channel messages of one kind as they are handed to a subscriber's socket (relay latency and count). */
export class RelayRecorder {
  private readonly latency;
  private readonly count;

  constructor(metrics: ArenaMetrics, kind: ChannelKind) {
    this.latency = metrics.fanoutLatency.labels(kind);
    this.count = metrics.relayed.labels(kind);
  }

  /** A message numbered at `numberedAtMs` (ms since 1970) handed to `count` local clients, the last of them now. */
  record(numberedAtMs: number, count = 1): void {
    this.latency.observe((Date.now() - numberedAtMs) / 1000);
    this.count.inc(count);
  }
}

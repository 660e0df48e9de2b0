import { z } from "zod";
import { LOG_LEVELS } from "./logger";

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** An unset or empty variable is absent (so `VAR= npm start` clears it). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const flag = z.enum(["true", "false"]).transform((v) => v === "true");

/** Every setting Arena reads from the environment, with its default (docs/operations.md lists them). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(2567),
  ARENA_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  ARENA_COUNTDOWN_SECONDS: seconds(3),
  ARENA_ROUND_SECONDS: seconds(180),
  ARENA_ENDED_SECONDS: seconds(5),
  ARENA_RESPAWN_SECONDS: seconds(2),
  // Larger than ARENA_INPUT_BURST: a burst the rate limit lets through always fits.
  ARENA_INPUT_QUEUE: count(64),
  /**
   * Lag compensation bound; 0 turns it off. Capped: a longer rewind lets laggy shots land ever later.
   * Unset: the rules' own bound (DEFAULT_REWIND_MS in rooms/match/rules.ts).
   */
  ARENA_REWIND_MS: optional(z.coerce.number().int().min(0).max(1000)),
  ARENA_MAX_CATCHUP_STEPS: count(4),
  ARENA_MAX_MESSAGE_BYTES: count(4096),
  /** Liveness: a socket that answers none of ARENA_PING_MAX_MISSED pings in a row is dropped. */
  ARENA_PING_INTERVAL_SECONDS: seconds(3),
  ARENA_PING_MAX_MISSED: count(2),
  ARENA_STRIKE_LIMIT: count(20),
  ARENA_STRIKE_WINDOW_SECONDS: seconds(10),
  ARENA_RECONNECT_GRACE_SECONDS: seconds(20),
  ARENA_RESUME_WAIT_SECONDS: seconds(2),
  ARENA_CHANNEL_BACKLOG: count(100),
  ARENA_CHAT_MAX_LENGTH: count(280),
  ARENA_CHAT_RATE: count(5),
  ARENA_CHAT_BURST: count(10),
  ARENA_TYPING_DEBOUNCE_SECONDS: seconds(1),
  /** PKCS#8 PEM of an Ed25519 key signing broadcasts (or a file holding it); ephemeral when unset. */
  ARENA_SIGNING_KEY: optional(z.string()),
  ARENA_SIGNING_KEY_FILE: optional(z.string()),
  ARENA_LOBBY_MAX_CHANNELS: count(50),
  /** Signage channels holding a backlog, cluster-wide: stored signage is at most this x ARENA_CHANNEL_BACKLOG x body size. */
  ARENA_SIGNAGE_MAX_CHANNELS: count(500),
  /** A signage channel nobody published to for this long is forgotten (backlog and retained message); 0 = never. */
  ARENA_SIGNAGE_IDLE_SECONDS: z.coerce.number().min(0).default(30 * 24 * 3600),
  ARENA_LOBBY_MAX_CLIENTS: count(500),
  /** The browser pages (play, lobby, spectate, display, operator) on the game port, bundled at start. */
  ARENA_WEB_PAGES: optional(flag).transform((v) => v ?? true),
  /** Set: Redis presence and matchmaking driver (multi-node). Unset: in-process, single node. */
  REDIS_URL: optional(z.url()),
  /** Redis Cluster instead of REDIS_URL: comma-separated host:port seeds. */
  REDIS_CLUSTER_NODES: optional(z.string().regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, "host:port[,host:port...]")),
  /** Redis behind Sentinel instead of REDIS_URL: comma-separated host:port of the sentinels, with REDIS_SENTINEL_NAME. */
  REDIS_SENTINELS: optional(z.string().regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, "host:port[,host:port...]")),
  /** The master's name the sentinels monitor (`sentinel monitor <name> ...`). */
  REDIS_SENTINEL_NAME: optional(z.string().min(1)),
  /** host:port clients reach this node at; required with Redis (it goes into seat reservations). */
  ARENA_PUBLIC_ADDRESS: optional(z.string().regex(/^[^\s/]+:\d+$/, "host:port")),
  ARENA_NODE_HEARTBEAT_SECONDS: seconds(2),
  ARENA_NODE_TTL_SECONDS: count(6),
  /** A node's share of new rooms relative to the others (2: twice the rooms of a node of weight 1). */
  ARENA_NODE_WEIGHT: z.coerce.number().positive().max(1000).default(1),
  ARENA_DRAIN_TIMEOUT_SECONDS: seconds(300),

  // Auth: a shared HS256 secret and/or an account service's public key or JWKS; none of them = dev mode.
  ARENA_JWT_SECRET: optional(z.string().min(32, "use at least 32 characters")),
  ARENA_JWT_PUBLIC_KEY: optional(z.string().includes("BEGIN PUBLIC KEY", { message: "expected a PEM (SPKI) public key" })),
  ARENA_JWT_PUBLIC_KEY_ALG: z.enum(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]).default("RS256"),
  ARENA_JWT_JWKS_URL: optional(z.url()),
  ARENA_JWT_ISSUER: optional(z.string()),
  ARENA_JWT_AUDIENCE: optional(z.string()),
  ARENA_JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  ARENA_JWT_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  ARENA_GUEST_AUTH: optional(flag),
  ARENA_GUEST_TOKEN_SECONDS: count(24 * 3600),
  ARENA_DEV_SECRET_FILE: z.string().default(".arena-dev-secret"),

  // Abuse limits.
  ARENA_TRUST_PROXY: optional(flag).transform((v) => v ?? false),
  /**
   * Origins whose pages may make credentialed cross-origin requests (comma-separated, e.g.
   * https://game.example.com). Any origin may call the API without credentials (it takes bearer tokens).
   */
  ARENA_ALLOWED_ORIGINS: optional(z.string())
    .transform((v) => (v ?? "").split(",").map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, "origins are scheme://host[:port], comma-separated"))),
  /** Set: /metrics and the health checks without a token on this internal port. The public /metrics takes an operator token. */
  ARENA_ADMIN_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  ARENA_ADMIN_HOST: z.string().default("127.0.0.1"),
  /** Seats (connections and unused reservations) per client address; IPv6 addresses count by /64. */
  ARENA_MAX_CONNECTIONS_PER_IP: count(25),
  /** Seats per identity (`sub`), every device and tab of it; 0 = no cap (e.g. many screens sharing one display token). */
  ARENA_MAX_CONNECTIONS_PER_IDENTITY: z.coerce.number().int().min(0).default(50),
  /** How long a seat reservation waits for its connection (Colyseus's COLYSEUS_SEAT_RESERVATION_TIME, per room here). */
  ARENA_SEAT_RESERVATION_SECONDS: seconds(15),
  ARENA_MAX_HTTP_BODY_BYTES: count(16 * 1024),
  /** Bytes the server holds unsent for one client (its socket not read fast enough); past it the client is closed (4413). */
  ARENA_MAX_CLIENT_BUFFER_BYTES: z.coerce.number().int().min(64 * 1024).default(2 * 1024 * 1024),
  ARENA_AUTH_REQUESTS_PER_MINUTE: count(20),
  ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: count(120),
  ARENA_PUBLISH_REQUESTS_PER_MINUTE: count(600),
  /** HTTP publishes are refused (503 overloaded) while the node runs this late (event loop p99 over a second, or its oldest waiting delivery); 0 = never. */
  ARENA_SHED_LAG_MS: z.coerce.number().int().min(0).default(500),
  /**
   * How long a publish's Idempotency-Key is remembered (cluster-wide, in presence): a retry within it delivers
   * nothing again. At most a week: in-process presence holds each key on a timer, and Node's timers overflow
   * past 24.8 days.
   */
  ARENA_IDEMPOTENCY_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(24 * 3600),
  ARENA_INPUT_RATE: count(120),
  ARENA_INPUT_BURST: count(32),
  ARENA_RATE_LIMIT_DROPS: count(20),
});

export type ArenaConfig = z.infer<typeof EnvSchema>;

/** Reads the environment now; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ArenaConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid environment: ${detail}`);
  }
  const config = parsed.data;
  const asymmetric = config.ARENA_JWT_PUBLIC_KEY !== undefined || config.ARENA_JWT_JWKS_URL !== undefined;
  if (config.ARENA_JWT_PUBLIC_KEY && config.ARENA_JWT_JWKS_URL) {
    throw new Error("invalid environment: set ARENA_JWT_PUBLIC_KEY or ARENA_JWT_JWKS_URL, not both");
  }
  if (config.ARENA_GUEST_AUTH && asymmetric && !config.ARENA_JWT_SECRET) {
    throw new Error("invalid environment: ARENA_GUEST_AUTH=true needs ARENA_JWT_SECRET to sign guest tokens (a public key cannot sign)");
  }
  if (config.REDIS_SENTINELS && !config.REDIS_SENTINEL_NAME) throw new Error("invalid environment: REDIS_SENTINELS needs REDIS_SENTINEL_NAME (the monitored master's name)");
  if ([config.REDIS_URL, config.REDIS_CLUSTER_NODES, config.REDIS_SENTINELS].filter(Boolean).length > 1) {
    throw new Error("invalid environment: set one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS");
  }
  if (config.REDIS_URL || config.REDIS_CLUSTER_NODES || config.REDIS_SENTINELS) {
    // Every node must place clients at its own address and agree on keys: a token or a broadcast
    // signed by one node has to verify on all of them.
    const missing = [
      !config.ARENA_PUBLIC_ADDRESS && "ARENA_PUBLIC_ADDRESS (host:port)",
      !config.ARENA_JWT_SECRET && !asymmetric && "ARENA_JWT_SECRET (or ARENA_JWT_PUBLIC_KEY / ARENA_JWT_JWKS_URL)",
      !config.ARENA_SIGNING_KEY && !config.ARENA_SIGNING_KEY_FILE && "ARENA_SIGNING_KEY (or ARENA_SIGNING_KEY_FILE)",
    ].filter(Boolean);
    if (missing.length > 0) throw new Error(`invalid environment: with Redis (several nodes) every node needs ${missing.join(", ")}`);
  }
  return config;
}

import { z } from "zod";
import { DEFAULT_REWIND_MS } from "../rooms/match/rules";

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every setting Arena reads from the environment, with its default (docs/operations.md lists them). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(2567),
  ARENA_COUNTDOWN_SECONDS: seconds(3),
  ARENA_ROUND_SECONDS: seconds(180),
  ARENA_ENDED_SECONDS: seconds(5),
  ARENA_RESPAWN_SECONDS: seconds(2),
  ARENA_INPUT_QUEUE: count(32),
  /** Lag compensation bound; 0 turns it off. Capped: a longer rewind lets laggy shots land ever later. */
  ARENA_REWIND_MS: z.coerce.number().int().min(0).max(1000).default(DEFAULT_REWIND_MS),
  ARENA_MAX_CATCHUP_STEPS: count(4),
  ARENA_MAX_MESSAGE_BYTES: count(4096),
  ARENA_STRIKE_LIMIT: count(20),
  ARENA_STRIKE_WINDOW_SECONDS: seconds(10),
  ARENA_RECONNECT_GRACE_SECONDS: seconds(20),
  ARENA_RESUME_WAIT_SECONDS: seconds(2),
  ARENA_CHANNEL_BACKLOG: count(100),
  ARENA_CHAT_MAX_LENGTH: count(280),
  ARENA_TYPING_DEBOUNCE_SECONDS: seconds(1),
  /** PKCS#8 PEM of an Ed25519 key signing broadcasts (or a file holding it); ephemeral when unset. */
  ARENA_SIGNING_KEY: z.string().optional(),
  ARENA_SIGNING_KEY_FILE: z.string().optional(),
  ARENA_LOBBY_MAX_CHANNELS: count(50),
  /** Set: Redis presence and matchmaking driver (multi-node). Unset: in-process, single node. */
  REDIS_URL: z.string().url().optional(),
  /** Redis Cluster instead of REDIS_URL: comma-separated host:port seeds. */
  REDIS_CLUSTER_NODES: z.string().regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, "host:port[,host:port...]").optional(),
  /** host:port clients reach this node at; required with Redis (it goes into seat reservations). */
  ARENA_PUBLIC_ADDRESS: z.string().regex(/^[^\s/]+:\d+$/, "host:port").optional(),
  ARENA_NODE_HEARTBEAT_SECONDS: seconds(2),
  ARENA_NODE_TTL_SECONDS: count(6),
  ARENA_DRAIN_TIMEOUT_SECONDS: seconds(300),
});

export type ArenaConfig = z.infer<typeof EnvSchema>;

/** Reads the environment now; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ArenaConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid environment: ${detail}`);
  }
  const settings = parsed.data;
  if ((settings.REDIS_URL || settings.REDIS_CLUSTER_NODES) && !settings.ARENA_PUBLIC_ADDRESS) {
    throw new Error("invalid environment: ARENA_PUBLIC_ADDRESS (host:port) is required with REDIS_URL or REDIS_CLUSTER_NODES");
  }
  return settings;
}

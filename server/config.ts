import { z } from "zod";

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
});

export type ArenaConfig = z.infer<typeof EnvSchema>;

/** Reads the environment now; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ArenaConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid environment: ${detail}`);
  }
  return parsed.data;
}

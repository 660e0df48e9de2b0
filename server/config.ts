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

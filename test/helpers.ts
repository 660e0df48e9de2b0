import { boot, ColyseusTestServer } from "@colyseus/testing";

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Boots the real composition root on a test port. Environment overrides are
 * applied before the config module loads, so rooms see them.
 */
export async function bootArena(port: number, env: Record<string, string> = {}): Promise<ColyseusTestServer> {
  Object.assign(process.env, { ARENA_LOG_LEVEL: "silent", ...env });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the env is set
  const arenaConfig = require("../arena.config").default as typeof import("../arena.config").default;
  return boot(arenaConfig, port);
}

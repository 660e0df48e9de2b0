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
  const overrides: Record<string, string> = { ARENA_LOG_LEVEL: "silent", ...env };
  const previous = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  Object.assign(process.env, overrides);
  // Loaded after the env is set; rooms read their settings when created.
  const arenaConfig = require("../arena.config").default as typeof import("../arena.config").default;
  const server = await boot(arenaConfig, port);
  const shutdown = server.shutdown.bind(server);
  // Each suite's overrides end with it, so suites never see each other's settings.
  server.shutdown = async () => {
    await shutdown();
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  return server;
}

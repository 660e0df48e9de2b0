import "./env";
import { boot, ColyseusTestServer } from "@colyseus/testing";
import { Client } from "colyseus.js";
import { withoutTokenInUrl } from "../client/withoutTokenInUrl";
import { signToken } from "../server/auth/Auth";
import type { Role } from "../server/auth/identity";

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The HS256 secret test servers verify with unless a test sets its own. */
export const TEST_SECRET = "arena-test-secret-0123456789abcdef-0123456789";

export interface ArenaTestServer extends ColyseusTestServer {
  port: number;
  /** http://127.0.0.1:PORT */
  httpUrl: string;
}

/**
 * Boots the real composition root on a test port with `env` applied over
 * the test defaults (TEST_SECRET, guests on). The composition root is loaded
 * afresh so it reads this env; shutdown restores the previous environment.
 */
export async function bootArena(port: number, env: Record<string, string> = {}): Promise<ArenaTestServer> {
  const saved = { ...process.env };
  Object.assign(process.env, { ARENA_LOG_LEVEL: "silent", ARENA_JWT_SECRET: TEST_SECRET, ARENA_GUEST_AUTH: "true", ...env });
  const configPath = require.resolve("../arena.config");
  delete require.cache[configPath];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the env is set
  const arenaConfig = require(configPath).default as typeof import("../arena.config").default;
  const server = await boot(arenaConfig, port);
  const shutdown = server.shutdown.bind(server);
  return Object.assign(server, {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    shutdown: async () => {
      await shutdown();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    },
  });
}

/** A token signed like Arena's own (HS256); `ttlSeconds` < 0 makes an expired one. */
export function testToken(claims: { name: string; role: Role; sub?: string }, options: { secret?: string; ttlSeconds?: number } = {}): Promise<string> {
  const secret = new TextEncoder().encode(options.secret ?? TEST_SECRET);
  return signToken(secret, claims, options.ttlSeconds ?? 3600, {});
}

/** A colyseus.js client of `arena` presenting `token` (kept out of the WebSocket URL). */
export function clientWith(arena: ArenaTestServer, token?: string): Client {
  const client = new Client(`ws://127.0.0.1:${arena.port}`, { urlBuilder: withoutTokenInUrl });
  if (token) client.auth.token = token;
  return client;
}

/** A client authenticated as a fresh player named `name`. */
export async function playerClient(arena: ArenaTestServer, name = "player"): Promise<Client> {
  return clientWith(arena, await testToken({ name, role: "player" }));
}

/** A guest token from the server's own endpoint. */
export async function guestToken(arena: ArenaTestServer, name: string, role: "player" | "display"): Promise<string> {
  const res = await fetch(`${arena.httpUrl}/api/auth/guest`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, role }),
  });
  if (!res.ok) throw new Error(`guest token refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

import "./env";
import { boot, ColyseusTestServer } from "@colyseus/testing";
import { Client, Room } from "colyseus.js";
import { createArena } from "../arena.config";
import { withoutTokenInUrl } from "../client/withoutTokenInUrl";
import type { MatchState } from "../schema/MatchState";
import { signToken } from "../server/auth/Auth";
import type { Role } from "../server/auth/identity";
import { logger } from "../server/logger";

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
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
 * Boots the real composition root on a test port with `env` applied over the
 * environment and the test defaults (TEST_SECRET, guests on).
 */
export async function bootArena(port: number, env: Record<string, string> = {}): Promise<ArenaTestServer> {
  const server = await boot(createArena({ ...process.env, ARENA_JWT_SECRET: TEST_SECRET, ARENA_GUEST_AUTH: "true", ...env }), port);
  return Object.assign(server, { port, httpUrl: `http://127.0.0.1:${port}` });
}

/** The server of a describe block, booted by its own `before` hook (see arenaForSuite). */
export interface SuiteArena {
  readonly server: ArenaTestServer;
}

/**
 * Boots Arena for the enclosing describe block: mocha hooks boot it before the
 * first test, disconnect every client and room after each test, and shut it
 * down after the last. Hooks of one kind run in the order they are registered,
 * so a suite's own afterEach hooks registered earlier run before the cleanup.
 */
export function arenaForSuite(port: number, env: Record<string, string> = {}): SuiteArena {
  let server: ArenaTestServer | undefined;
  before(async () => {
    server = await bootArena(port, env);
  });
  afterEach(() => server?.cleanup());
  after(() => server?.shutdown());
  return {
    get server(): ArenaTestServer {
      if (!server) throw new Error(`the Arena on port ${port} is used before its suite booted it`);
      return server;
    },
  };
}

/** Runs `use` against an Arena booted for it alone, shut down however `use` ends. */
export async function withArena<T>(port: number, env: Record<string, string>, use: (arena: ArenaTestServer) => Promise<T>): Promise<T> {
  const arena = await bootArena(port, env);
  try {
    return await use(arena);
  } finally {
    await arena.shutdown();
  }
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

/** What the server makes of `token` (GET /api/whoami): the status and the JSON body. */
export async function whoami(arena: ArenaTestServer, token: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${arena.httpUrl}/api/whoami`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
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

/** Joins (or creates) a match as player `name`; resolves once the client has its own player in its state. */
export async function joinMatch(arena: ArenaTestServer, name: string, options: object = {}): Promise<Room<MatchState>> {
  const room = await (await playerClient(arena, name)).joinOrCreate<MatchState>("match", options);
  await waitFor("first state", () => room.state.players?.has(room.sessionId) === true);
  return room;
}

/** Players joined to one match on their teams (names and teams in order), once its round is live on every client. */
export async function joinLiveMatch(arena: ArenaTestServer, players: [name: string, team: "red" | "blue"][]): Promise<Room<MatchState>[]> {
  const rooms: Room<MatchState>[] = [];
  for (const [name, team] of players) rooms.push(await joinMatch(arena, name, { team }));
  await waitFor("the round live", () => rooms.every((c) => c.state.phase === "live" && c.state.players.size === players.length));
  return rooms;
}

/** Kills the client's TCP socket: no WebSocket close frame, as when a phone loses signal. */
export function dropSocket(room: Room): void {
  (room.connection.transport as unknown as { ws: { _socket: { destroy(): void } } }).ws._socket.destroy();
}

/** Records what the structured logger is asked to write at warn and error (the suites run it silent) until `restore`. */
export function spyOnLogger() {
  const calls = { warn: [] as unknown[][], error: [] as unknown[][] };
  const original = { warn: logger.warn, error: logger.error };
  logger.warn = ((...args: unknown[]) => void calls.warn.push(args)) as typeof logger.warn;
  logger.error = ((...args: unknown[]) => void calls.error.push(args)) as typeof logger.error;
  return { ...calls, restore: () => Object.assign(logger, original) };
}

/** What `arena` answers on its public /metrics, read as an operator (it takes an operator token). */
export async function metricsText(arena: ArenaTestServer): Promise<string> {
  const res = await fetch(`${arena.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${await testToken({ name: "ops", role: "operator" })}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

import { generateKeyPairSync } from "node:crypto";
export type BotProtocol = "arena" | "arena-pairs" | "colyseus" | "json";

/** The servers one benchmark run compares; each is started as its own process. */
export interface Target {
  id: string;
  label: string;
  /** Entry file, relative to the project root. */
  entry: string;
  /**
   * How its bots talk: `arena` is colyseus.js sending inputs as the SDK does
   * (binary input frames, schema/inputFrame.ts), `arena-pairs` the same with two
   * inputs a frame, 30 frames a second (the SDK's `inputsPerFrame = 2`), `colyseus` is colyseus.js
   * sending them as msgpack objects (`room.send`), `json` the JSON peer's own.
   */
  protocol: BotProtocol;
  /** Arena itself: started with the bench's auth and limits (arenaEnv); bots present tokens. */
  arena: boolean;
  /** Environment for the server process, beside PORT (and arenaEnv for Arena). */
  env: Record<string, string>;
  /**
   * How the server runs: by default its bundle (server/bundle.ts), as `npm start`
   * runs Arena; `tsx` runs the TypeScript entry through tsx instead, and
   * `nodeFlags` are added to node's command line (both to price a way of running).
   */
  runner?: "tsx";
  nodeFlags?: readonly string[];
  /**
   * How one of several processes of this server on one Redis is configured (--nodes), given Redis's URL and the
   * node's own host:port; absent for a server that runs as one process only (the JSON peer).
   */
  nodeEnv?: (redisUrl: string, address: string) => Record<string, string>;
}

/** Arena as one of several nodes: Redis presence and driver, the address clients are sent to for its rooms. */
const arenaNode = (redisUrl: string, address: string) => ({ REDIS_URL: redisUrl, ARENA_PUBLIC_ADDRESS: address });

/**
 * What every Arena process of the bench runs with: a JWT secret the bots sign
 * their own tokens with (generated per run), and the per-address limits raised,
 * since every bot connects from 127.0.0.1 (defaults: 25 connections per address,
 * 120 matchmaking requests a minute). Everything else is at its default.
 */
/** One broadcast signing key per bench run: nodes of one cluster must share it. */
const signingKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

export function arenaEnv(secret: string): Record<string, string> {
  return {
    ARENA_LOG_LEVEL: "warn",
    ARENA_JWT_SECRET: secret,
    ARENA_SIGNING_KEY: signingKey,
    ARENA_MAX_CONNECTIONS_PER_IP: "1000000",
    ARENA_MATCHMAKE_REQUESTS_PER_MINUTE: "1000000",
  };
}

/** The match scenario: Arena and the two peers, always. */
export const MATCH_TARGETS: readonly Target[] = [
  { id: "arena", label: "Arena", entry: "main.ts", protocol: "arena", arena: true, env: {}, nodeEnv: arenaNode },
  {
    id: "stock", label: "stock Colyseus", entry: "loadtest/peers/stock/server.ts", protocol: "colyseus", arena: false, env: {},
    nodeEnv: (redisUrl, address) => ({ REDIS_URL: redisUrl, PUBLIC_ADDRESS: address }),
  },
  { id: "json", label: "JSON broadcast", entry: "loadtest/peers/json/server.ts", protocol: "json", arena: false, env: {} },
];

/** Arena variants a run may add to the match scenario (`--variants`), to price one feature each. */
export const VARIANTS = {
  "rewind-off": {
    id: "arena-rewind-off", label: "Arena, rewind off", entry: "main.ts", protocol: "arena", arena: true, env: { ARENA_REWIND_MS: "0" }, nodeEnv: arenaNode,
  },
  "views-off": {
    id: "arena-views-off", label: "Arena, views off", entry: "loadtest/variants/arenaWithoutViews.ts", protocol: "arena", arena: true, env: {}, nodeEnv: arenaNode,
  },
  "object-input": {
    id: "arena-object-input", label: "Arena, msgpack inputs", entry: "main.ts", protocol: "colyseus", arena: true, env: {}, nodeEnv: arenaNode,
  },
  "input-pairs": {
    id: "arena-input-pairs", label: "Arena, 30 Hz input pairs", entry: "main.ts", protocol: "arena-pairs", arena: true, env: {}, nodeEnv: arenaNode,
  },
  tsx: {
    id: "arena-tsx", label: "Arena under tsx", entry: "main.ts", protocol: "arena", arena: true, env: {}, runner: "tsx", nodeEnv: arenaNode,
  },
  /** Arena again, as shipped: with --paired, an A/A run that shows how far the bench's own bias and noise go. */
  twin: {
    id: "arena-twin", label: "Arena (twin)", entry: "main.ts", protocol: "arena", arena: true, env: {}, nodeEnv: arenaNode,
  },
  "source-maps": {
    id: "arena-source-maps", label: "Arena, source maps on", entry: "main.ts", protocol: "arena", arena: true, env: {}, nodeFlags: ["--enable-source-maps"], nodeEnv: arenaNode,
  },
} as const satisfies Record<string, Target>;
export type Variant = keyof typeof VARIANTS;

/** The servers one benchmark run compares; each is started as its own process. */
export interface Target {
  id: "arena" | "stock" | "json";
  label: string;
  /** Entry file, relative to the project root. */
  entry: string;
  protocol: "colyseus" | "json";
  /** Environment for the server process, beside PORT. */
  env: Record<string, string>;
}

export const TARGETS: readonly Target[] = [
  { id: "arena", label: "Arena", entry: "main.ts", protocol: "colyseus", env: { ARENA_LOG_LEVEL: "warn" } },
  { id: "stock", label: "stock Colyseus", entry: "loadtest/peers/stock/server.ts", protocol: "colyseus", env: {} },
  { id: "json", label: "JSON broadcast", entry: "loadtest/peers/json/server.ts", protocol: "json", env: {} },
];

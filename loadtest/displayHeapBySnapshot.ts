/**
 * `npx tsx loadtest/displayHeapBySnapshot.ts [--target arena|stock-lobby] [--displays 2000] [--port 2991] [--redis]`:
 * what one idle display costs a server's V8 heap, object by object. The server
 * (Arena or stock Colyseus's LobbyRoom, as the bench runs them, one node, no
 * match) takes 50 displays that join and leave; half of `displays` colyseus.js
 * displays join its lobby on `program-5` (the bench's display fleet); a heap
 * snapshot; the other half join; a second snapshot. Prints the heap per display
 * of the second half (what the first half cost once, compiled code and caches,
 * is not in it) and the object kinds that grew most per display. Sockets' kernel buffers and native allocations
 * outside V8 are not in a snapshot: the bench's RSS figure has them. `--redis`:
 * Arena on Redis presence and driver (a `redis-server` of its own on port + 1), as
 * each node of the bench's two-node runs is.
 */
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ChildProcess } from "node:child_process";
import { inspectFlag, takeHeapSnapshot } from "./bench/inspector";
import { lobbiesPerNode, LobbyNode } from "./bench/lobbies";
import { nextMessage } from "./bench/ipc";
import { forkWithIpc, sleep, startRedis, startServer, stopLoadProcesses, stopProcess, waitForHealthy } from "./bench/processes";
import { arenaEnv } from "./bench/targets";
import { joinedAtShare, type DisplayFleetConfig, type FromDisplayFleet, type ToDisplayFleet } from "./bench/displayFleetProtocol";

const { values } = parseArgs({
  options: {
    target: { type: "string", default: "arena" },
    displays: { type: "string", default: "2000" },
    port: { type: "string", default: "2991" },
    redis: { type: "boolean", default: false },
  },
});
const target = values.target;
if (target !== "arena" && target !== "stock-lobby") throw new Error("--target is arena or stock-lobby");
if (values.redis && target !== "arena") throw new Error("--redis is for --target arena");
const displays = Number(values.displays);
const port = Number(values.port);
const inspectPort = port + 1000;
const WARMUP_DISPLAYS = 50;
const SECRET = "display-heap-snapshot-secret-0123456789abcdef";
const logDir = mkdtempSync(path.join(os.tmpdir(), "arena-display-heap-"));

interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size of every object in the snapshot, summed by kind: constructor name for objects and closures, V8's node type otherwise. */
function bytesByKind(json: string): Map<string, number> {
  const snapshot = JSON.parse(json) as HeapSnapshotJson;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const byKind = new Map<string, number>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]];
    const kind = type === "object" || type === "closure" || type === "native" ? `${type} ${snapshot.strings[snapshot.nodes[i + nameAt]]}` : `(${type})`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + snapshot.nodes[i + sizeAt]);
  }
  return byKind;
}

const total = (byKind: Map<string, number>) => [...byKind.values()].reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let fleet: ChildProcess | undefined;
  try {
    const redisPort = port + 1;
    if (values.redis) children.push(await startRedis(redisPort, path.join(logDir, "redis.log")));
    const onRedis: Record<string, string> = values.redis ? { REDIS_URL: `redis://127.0.0.1:${redisPort}`, ARENA_PUBLIC_ADDRESS: `127.0.0.1:${port}` } : {};
    const env = target === "arena"
      ? { ...arenaEnv(SECRET), ARENA_LOBBY_MAX_CLIENTS: String(displays + WARMUP_DISPLAYS), PORT: String(port), ...onRedis }
      : { PORT: String(port) };
    const entry = target === "arena" ? "main.ts" : "loadtest/peers/stock/server.ts";
    const server = await startServer(entry, env, path.join(logDir, "server.log"), { nodeFlags: [inspectFlag(inspectPort)] });
    children.push(server);
    await waitForHealthy(`http://127.0.0.1:${port}/healthz`, server);
    const node: LobbyNode = { name: target, port };
    await lobbiesPerNode([node], SECRET);
    const config: DisplayFleetConfig = {
      protocol: "colyseus",
      secret: SECRET,
      channel: "program-5",
      groups: [{ node: target, endpoint: `ws://127.0.0.1:${port}`, roomId: node.roomId, count: displays }],
      firstIndex: 0,
      concurrency: 50,
      warmup: WARMUP_DISPLAYS,
    };
    const displayFleet = await forkWithIpc("loadtest/bench/displayFleet.ts", [JSON.stringify(config)], path.join(logDir, "displays.log"));
    fleet = displayFleet;
    await nextMessage<FromDisplayFleet, "warmed">(displayFleet, "warmed", 60_000);
    const connect = async (share: number) => {
      displayFleet.send({ type: "connect", share } satisfies ToDisplayFleet);
      await nextMessage<FromDisplayFleet, "connected">(displayFleet, "connected", 60_000 + 50 * displays);
      await sleep(1000);
    };
    await connect(0.5);
    const before = bytesByKind(await takeHeapSnapshot(inspectPort));
    await connect(1);
    const after = bytesByKind(await takeHeapSnapshot(inspectPort));
    const measured = displays - joinedAtShare(displays, 0.5);

    console.log(`${target}: ${displays} idle displays, V8 heap per display ${((total(after) - total(before)) / measured).toFixed(0)} B (heap snapshots before and after the joins of the last ${measured})`);
    const grown = [...new Set([...before.keys(), ...after.keys()])]
      .map((kind) => ({ kind, perDisplay: ((after.get(kind) ?? 0) - (before.get(kind) ?? 0)) / measured }))
      .sort((a, b) => Math.abs(b.perDisplay) - Math.abs(a.perDisplay))
      .slice(0, 25);
    for (const { kind, perDisplay } of grown) console.log(`${perDisplay.toFixed(1).padStart(9)} B  ${kind}`);
  } finally {
    if (fleet) await stopLoadProcesses([fleet]);
    // The server before the redis-server it uses.
    for (const child of children.reverse()) await stopProcess(child);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

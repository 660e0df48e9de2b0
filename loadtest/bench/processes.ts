import { ChildProcess, fork, spawn } from "node:child_process";
import { openSync } from "node:fs";
import path from "node:path";
import { bundle } from "../../server/bundle";
import { acceptsConnections, localRedisArgs } from "../../server/cluster/localRedis";
import { onCpus } from "./cpuPlacement";

export const ROOT = path.resolve(__dirname, "../..");

/** Children still running, killed if the benchmark itself exits early. */
const alive = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/** The parent's environment without ARENA_* settings: each server gets its defaults plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ARENA_")));
  return { ...base, ...env };
}

/** Each entry's bundle, built once per benchmark process. */
const bundles = new Map<string, Promise<string>>();

/** `entry`'s bundle (server/bundle.ts), built on first use. */
function bundled(entry: string): Promise<string> {
  let built = bundles.get(entry);
  if (!built) bundles.set(entry, (built = bundle(entry)));
  return built;
}

/**
 * Starts a server entry as its own Node process (no wrapper: the pid is the
 * server's), run the way `npm start` runs Arena: its bundle (server/bundle.ts)
 * with plain `node`, Arena and the peers alike; with `runner: "tsx"`, the
 * TypeScript entry through tsx instead; on `cpus` only when given.
 */
export async function startServer(entry: string, env: Record<string, string>, logFile: string, how: { nodeFlags?: readonly string[]; runner?: "tsx"; cpus?: string } = {}): Promise<ChildProcess> {
  const { nodeFlags = [], runner, cpus } = how;
  const program = runner === "tsx" ? ["--import", "tsx", entry] : [await bundled(entry)];
  const log = openSync(logFile, "a");
  const [command, args] = onCpus(cpus, process.execPath, [...nodeFlags, ...program]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ["ignore", log, log],
  });
  track(child);
  return child;
}

/**
 * Forks a load process (a bot fleet) with an IPC channel, from its bundle as the
 * servers run, on `cpus` when given, at `niceness` (0: the default priority). Its CPU is not the server's.
 */
export async function forkWithIpc(entry: string, args: string[], logFile: string, cpus?: string, niceness = 0): Promise<ChildProcess> {
  const program = await bundled(entry);
  const log = openSync(logFile, "a");
  const [pinned, pinnedArgs] = onCpus(cpus, process.execPath, []);
  // `nice` execs too, so the pid stays the bot's.
  const [execPath, execArgv] = niceness === 0 ? [pinned, pinnedArgs] : ["nice", ["-n", String(niceness), pinned, ...pinnedArgs]];
  const child = fork(program, args, {
    cwd: ROOT,
    env: cleanEnv({}),
    execPath,
    execArgv,
    stdio: ["ignore", log, log, "ipc"],
  });
  track(child);
  return child;
}

function track(child: ChildProcess): void {
  alive.add(child);
  child.once("exit", () => alive.delete(child));
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Stops bot processes (fleets, pushers): each is asked to `stop` over IPC so it
 * can close its connections, then is terminated if it has not exited in 5 s.
 */
export async function stopLoadProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async (child) => {
    if (child.exitCode !== null) return;
    if (child.connected) child.send({ type: "stop" });
    await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5000)]);
    await stopProcess(child, 2000);
  }));
}

export async function waitForHealthy(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Debian's redis-server on loopback `port`, without persistence, for the two-node mode. */
export async function startRedis(port: number, logFile: string): Promise<ChildProcess> {
  const log = openSync(logFile, "a");
  const child = spawn("redis-server", localRedisArgs(port), {
    stdio: ["ignore", log, log],
  });
  track(child);
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const deadline = Date.now() + 10_000;
  while (!(await acceptsConnections(port))) {
    if (spawnError) throw new Error(`redis-server could not start: ${spawnError.message} (test/setup.sh installs Debian's redis-server)`);
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} (is it installed? test/setup.sh installs it)`);
    if (Date.now() > deadline) throw new Error(`redis-server not accepting on ${port} after 10 s`);
    await sleep(50);
  }
  return child;
}

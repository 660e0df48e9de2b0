/**
 * `npm run cluster`: a local Redis and two Arena nodes for trying multi-node on
 * one machine. Redis on CLUSTER_REDIS_PORT (6390), nodes on PORT and PORT+1
 * (2567, 2568). Ctrl-C stops everything. Needs Debian's redis-server.
 */
import { ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import path from "node:path";
import { bundle } from "../bundle";
import { localRedisArgs } from "./localRedis";

const root = path.resolve(__dirname, "../..");
const redisPort = Number(process.env.CLUSTER_REDIS_PORT ?? 6390);
const basePort = Number(process.env.PORT ?? 2567);
const children: ChildProcess[] = [];
// Nodes of one cluster share the token secret and the broadcast signing key (fresh for each run here).
const sharedSecrets = {
  ARENA_JWT_SECRET: process.env.ARENA_JWT_SECRET ?? randomBytes(32).toString("base64url"),
  ARENA_SIGNING_KEY: process.env.ARENA_SIGNING_KEY ?? generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  ARENA_GUEST_AUTH: process.env.ARENA_GUEST_AUTH ?? "true",
};

function run(name: string, command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (chunk: Buffer) => chunk.toString().split("\n").filter(Boolean).map((l) => `[${name}] ${l}`).join("\n") + "\n";
  child.stdout!.on("data", (d) => process.stdout.write(prefix(d)));
  child.stderr!.on("data", (d) => process.stderr.write(prefix(d)));
  child.on("exit", (code) => {
    console.log(`[${name}] exited with ${code}`);
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 2000).unref();
}

process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

async function start(): Promise<void> {
  // The nodes run the bundle, as `npm start` does.
  const server = await bundle("main.ts");
  run("redis", "redis-server", localRedisArgs(redisPort));
  for (const [i, port] of [basePort, basePort + 1].entries()) {
    run(`node-${i + 1}`, process.execPath, [server], {
      ...sharedSecrets,
      PORT: String(port),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      ARENA_PUBLIC_ADDRESS: `localhost:${port}`,
    });
  }
  console.log(`cluster: redis on ${redisPort}, nodes on http://localhost:${basePort} and http://localhost:${basePort + 1}`);
  console.log(`operator token: ARENA_JWT_SECRET=${sharedSecrets.ARENA_JWT_SECRET} npm run -s token -- --role operator --name NAME`);
}

start().catch((error) => {
  console.error(`cluster did not start: ${error instanceof Error ? error.message : error}`);
  shutdown(1);
});

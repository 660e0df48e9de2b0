// PM2 deployment of Arena nodes on one host (fork mode: one process per node, each its own port).
// `npx pm2 start ecosystem.config.cjs`; docs/operations.md explains adding and removing nodes.
const instances = Number(process.env.ARENA_NODES || 2);
const basePort = Number(process.env.ARENA_BASE_PORT || 2567);
const publicHost = process.env.ARENA_PUBLIC_HOST || "localhost";

module.exports = {
  apps: Array.from({ length: instances }, (_, i) => ({
    name: `arena-${i + 1}`,
    script: "main.ts",
    interpreter: "node",
    interpreter_args: "--require tsx/cjs",
    exec_mode: "fork",
    // SIGTERM drains: live rounds finish (ARENA_DRAIN_TIMEOUT_SECONDS) before the process exits.
    kill_timeout: (Number(process.env.ARENA_DRAIN_TIMEOUT_SECONDS || 300) + 10) * 1000,
    env: {
      PORT: String(basePort + i),
      REDIS_URL: process.env.REDIS_URL || "redis://127.0.0.1:6379",
      ARENA_PUBLIC_ADDRESS: `${publicHost}:${basePort + i}`,
      ARENA_JWT_SECRET: process.env.ARENA_JWT_SECRET,
      ARENA_SIGNING_KEY_FILE: process.env.ARENA_SIGNING_KEY_FILE,
    },
  })),
};

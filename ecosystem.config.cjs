// PM2 deployment of Arena nodes on one host (fork mode: one process per node, each its own port), running the
// bundle as in production: `npm run build` first, then `pm2 start ecosystem.config.cjs`.
// docs/operations.md ("PM2") explains the variables and adding and removing nodes.
const instances = Number(process.env.ARENA_NODES || 2);
const basePort = Number(process.env.ARENA_BASE_PORT || 2567);
const publicHost = process.env.ARENA_PUBLIC_HOST || "localhost";
// Clients reach node i at the proxy's port for it (nginx's `listen 4431` for node 1, ...); without a
// proxy, set ARENA_PUBLIC_BASE_PORT to ARENA_BASE_PORT.
const publicBasePort = Number(process.env.ARENA_PUBLIC_BASE_PORT || 4431);

module.exports = {
  apps: Array.from({ length: instances }, (_, i) => ({
    name: `arena-${i + 1}`,
    script: "dist/main.js",
    exec_mode: "fork",
    // Online once the server listens (it sends "ready"), not when the process starts.
    wait_ready: true,
    listen_timeout: 30_000,
    // SIGTERM drains: live rounds finish (ARENA_DRAIN_TIMEOUT_SECONDS) before the process exits.
    kill_timeout: (Number(process.env.ARENA_DRAIN_TIMEOUT_SECONDS || 300) + 10) * 1000,
    env: {
      PORT: String(basePort + i),
      REDIS_URL: process.env.REDIS_URL || "redis://127.0.0.1:6379",
      ARENA_PUBLIC_ADDRESS: `${publicHost}:${publicBasePort + i}`,
      ARENA_TRUST_PROXY: process.env.ARENA_TRUST_PROXY || "true",
      ARENA_JWT_SECRET: process.env.ARENA_JWT_SECRET,
      ARENA_SIGNING_KEY_FILE: process.env.ARENA_SIGNING_KEY_FILE,
    },
  })),
};

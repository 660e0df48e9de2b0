import net from "node:net";

/**
 * A throwaway Debian redis-server on loopback, as `npm run cluster`, the tests
 * and the benchmark start it: no snapshots, no append-only file (a restart
 * starts empty; production Redis wants persistence, docs/operations.md).
 */
export function localRedisArgs(port: number): string[] {
  return ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
}

/** Whether something accepts TCP connections on loopback `port` now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

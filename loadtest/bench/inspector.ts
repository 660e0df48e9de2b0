import WebSocket from "ws";

/** Node flag that opens the inspector of a server on `port` (loopback only), so the bench can ask it to collect garbage. */
export const inspectFlag = (port: number) => `--inspect=127.0.0.1:${port}`;

/**
 * A full garbage collection in the Node process whose inspector listens on
 * `port` (Chrome DevTools protocol, HeapProfiler.collectGarbage): memory
 * figures then count live objects, not garbage awaiting collection, the same
 * way for Arena and the peer, without a hook in the product.
 */
export async function collectGarbage(port: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    await new Promise<void>((resolve, reject) => {
      socket.on("message", (data) => {
        const reply = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (reply.id !== 1) return;
        if (reply.error) reject(new Error(`HeapProfiler.collectGarbage: ${reply.error.message}`));
        else resolve();
      });
      socket.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }));
    });
  } finally {
    socket.close();
  }
}

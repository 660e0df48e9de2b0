import WebSocket from "ws";

/** Node flag that opens the inspector of a server on `port` (loopback only), so the bench can ask it to collect garbage. */
export const inspectFlag = (port: number) => `--inspect=127.0.0.1:${port}`;

/** The V8 heap in use and the memory V8 tracks outside it (Buffers, ArrayBuffers), in bytes. */
export interface HeapReading {
  heapUsed: number;
  external: number;
}

/**
 * Through the inspector of the Node process on `port` (Chrome DevTools
 * protocol): a full garbage collection (HeapProfiler.collectGarbage), then
 * `process.memoryUsage()` read in that process. Memory figures then count live
 * objects, not garbage awaiting collection, the same way for Arena and the
 * peer, without a hook in the product.
 */
export async function collectGarbage(port: number): Promise<HeapReading> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  socket.on("message", (data) => {
    const reply = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id!);
    if (reply.error) waiter.reject(new Error(reply.error.message));
    else waiter.resolve(reply.result);
  });
  let nextId = 1;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    await call("HeapProfiler.collectGarbage");
    const evaluated = (await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true })) as {
      result: { value: string };
    };
    const usage = JSON.parse(evaluated.result.value) as HeapReading;
    return { heapUsed: usage.heapUsed, external: usage.external };
  } finally {
    socket.close();
  }
}

import WebSocket from "ws";

/** Node flag that opens the inspector of a server on `port` (loopback only), so the bench can ask it to collect garbage. */
export const inspectFlag = (port: number) => `--inspect=127.0.0.1:${port}`;

/** The V8 heap in use and the memory V8 tracks outside it (Buffers, ArrayBuffers), in bytes. */
export interface HeapReading {
  heapUsed: number;
  external: number;
}

/** A Chrome DevTools protocol session with the inspector of the Node process on `port`. */
export interface InspectorSession {
  call(method: string, params?: object): Promise<unknown>;
  /** Calls `listener` with the params of every `method` event. */
  on(method: string, listener: (params: unknown) => void): void;
  close(): void;
}

export async function openInspector(port: number): Promise<InspectorSession> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  const listeners = new Map<string, (params: unknown) => void>();
  socket.on("message", (data) => {
    const reply = JSON.parse(String(data)) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    if (reply.method !== undefined) return listeners.get(reply.method)?.(reply.params);
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id!);
    if (reply.error) waiter.reject(new Error(reply.error.message));
    else waiter.resolve(reply.result);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let nextId = 1;
  return {
    call: (method, params = {}) =>
      new Promise<unknown>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, listener) => listeners.set(method, listener),
    close: () => socket.close(),
  };
}

/**
 * Through the inspector of the Node process on `port`: a full garbage
 * collection (HeapProfiler.collectGarbage), then `process.memoryUsage()` read
 * in that process. Memory figures then count live objects, not garbage
 * awaiting collection, the same way for Arena and the peer, without a hook in the product.
 */
export async function collectGarbage(port: number): Promise<HeapReading> {
  const session = await openInspector(port);
  try {
    await session.call("HeapProfiler.collectGarbage");
    const evaluated = (await session.call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true })) as {
      result: { value: string };
    };
    const usage = JSON.parse(evaluated.result.value) as HeapReading;
    return { heapUsed: usage.heapUsed, external: usage.external };
  } finally {
    session.close();
  }
}

/** A heap snapshot of the process on `port` (taken after a full GC, as V8 does), as DevTools' JSON. */
export async function takeHeapSnapshot(port: number): Promise<string> {
  const session = await openInspector(port);
  try {
    const chunks: string[] = [];
    session.on("HeapProfiler.addHeapSnapshotChunk", (params) => chunks.push((params as { chunk: string }).chunk));
    await session.call("HeapProfiler.enable");
    await session.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    return chunks.join("");
  } finally {
    session.close();
  }
}

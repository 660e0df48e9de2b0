import type { ChildProcess } from "node:child_process";

/**
 * Waits for a bot process's next IPC message of `type`; rejects when it reports
 * `failed`, exits, or stays silent for `timeoutMs`.
 */
export function nextMessage<M extends { type: string }, T extends M["type"]>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`bot process: no ${type} after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: M) => {
      if (m.type === type) finish(undefined, m as Extract<M, { type: T }>);
      else if (m.type === "failed") finish(new Error(`bot process failed: ${(m as { error?: string }).error}`));
    };
    const onExit = (code: number | null) => finish(new Error(`bot process exited (${code}) waiting for ${type}`));
    function finish(error?: Error, value?: Extract<M, { type: T }>) {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

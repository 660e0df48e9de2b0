import type { ErrorCode } from "../schema/codes";

/** An Arena HTTP route's refusal: the status and the `{error: {code, message}}` body. */
export class ArenaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "http_error",
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = "ArenaHttpError";
  }
}

/** Calls an Arena HTTP route and returns its JSON body; a refusal throws ArenaHttpError. */
export async function arenaFetch<T>(url: string, init: { method?: string; token?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  const body = (await res.json().catch(() => undefined)) as { error?: { code: ErrorCode; message: string } } | undefined;
  if (!res.ok) throw new ArenaHttpError(res.status, body?.error?.code ?? "http_error", body?.error?.message ?? res.statusText);
  return body as T;
}

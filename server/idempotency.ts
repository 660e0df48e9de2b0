import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Presence } from "@colyseus/core";
import type { Request, Response } from "express";
import { ErrorCode } from "../schema/codes";
import { ApiError } from "./ApiError";
import { identityOf } from "./auth/requireRole";
import { allConnected, RedisConnection } from "./cluster/redisConnections";
import { logger } from "./logger";

/** The request header that names a publish (as Stripe and the IETF httpapi draft spell it). */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** `true` on an answer that is the first request's, replayed: nothing was published this time. */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** 1-255 visible ASCII characters: no space, control or non-ASCII byte. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
/**
 * How long the request that claimed a key has to publish before another request with the key may: longer than
 * any publish (the channel store fails at once while Redis is lost), short enough that a node dying mid-publish
 * holds up its key's retries only briefly.
 */
const CLAIM_SECONDS = 10;
/** How long a request whose key another request is publishing waits for that answer before it says so (409). */
const WAIT_FOR_FIRST_MS = 3000;
const POLL_MS = 25;
const RETRY_AFTER_SECONDS = 1;

const log = logger.child({ subsystem: "idempotency" });

export interface IdempotencyOptions {
  /**
   * Where keys live: Colyseus presence, so every node sharing it (Redis) sees every key. Read per request: the
   * server sets it up after routes are built.
   */
  presence: () => Presence;
  /** How long a key is remembered (ARENA_IDEMPOTENCY_SECONDS). */
  windowSeconds: number;
  /** The publish route: the same key on two routes is two keys. */
  scope: string;
}

/**
 * Runs `publish` (which answers JSON) at most once per `Idempotency-Key` of the request's identity within the
 * window, and resolves with its answer, or with the first answer (header `Idempotent-Replayed: true`) for a
 * retry. Rejects with an ApiError: 400 `invalid_request` for a malformed key, 409 `idempotency_conflict` for a
 * key first used with another method, path or body, 409 `idempotency_in_progress` (Retry-After) while the
 * first request is still publishing, 503 `store_unavailable` when presence cannot be reached. Without the
 * header it just publishes. Called from a handler behind `requireRole` (keys are per identity).
 */
export type PublishOnce = <T>(req: Request, res: Response, publish: () => Promise<T>) => Promise<T>;

/** One publish route's PublishOnce, e.g. `publishOnce(req, res, () => publishBroadcast(fanout, channel, payload))`. */
export function idempotentPublish(options: IdempotencyOptions): PublishOnce {
  return async <T>(req: Request, res: Response, publish: () => Promise<T>): Promise<T> => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key === undefined) return publish();
    if (!VALID_KEY.test(key)) throw new ApiError(ErrorCode.INVALID_REQUEST, `${IDEMPOTENCY_HEADER} must be 1-255 visible ASCII characters`);
    const presence = options.presence();
    // While Redis is lost, ioredis would hold presence's commands for its retries (about 10 s) before failing them.
    const connection = presenceConnection(presence);
    if (connection && !allConnected([connection])) throw storeUnavailable("not connected");
    const stored = new StoredKey(presence, storedKeyNames(options.scope, identityOf(res).sub, key), options.windowSeconds);
    return once(stored, fingerprintOf(req), res, publish);
  };
}

/** The first answer, or the right to publish it, or a wait for whoever holds that right. */
async function once<T>(stored: StoredKey, request: string, res: Response, publish: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const first = await stored.answer();
    if (first) return replay<T>(first, request, res);
    if (await stored.claim()) {
      // The first request may have recorded its answer between that read and this claim: it stands.
      const raced = await stored.answer();
      if (raced) {
        stored.release();
        return replay<T>(raced, request, res);
      }
      return publishClaimed(stored, request, publish);
    }
    if (Date.now() >= deadline) {
      throw new ApiError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, `the first request with this ${IDEMPOTENCY_HEADER} is still publishing; retry for its answer`, RETRY_AFTER_SECONDS);
    }
    await delay(POLL_MS);
  }
}

async function publishClaimed<T>(stored: StoredKey, request: string, publish: () => Promise<T>): Promise<T> {
  let answer: T;
  try {
    answer = await publish();
  } catch (error) {
    // Nothing was published (e.g. 503 store_unavailable): a retry with the key may publish.
    stored.release();
    throw error;
  }
  await stored.record({ request, answer });
  return answer;
}

function replay<T>(first: Recorded, request: string, res: Response): T {
  if (first.request !== request) {
    throw new ApiError(ErrorCode.IDEMPOTENCY_CONFLICT, `this ${IDEMPOTENCY_HEADER} was first used with another request (method, path or body): use a new key for a new message`);
  }
  res.set(REPLAYED_HEADER, "true");
  // What `publish` resolved with the first time, through JSON as the route answers it anyway.
  return first.answer as T;
}

/** What a key holds once its first request has published. */
interface Recorded {
  /** fingerprintOf the first request. */
  request: string;
  answer: unknown;
}

export interface StoredKeyNames {
  /** Hash counting requests that tried to claim the key; the one that counted 1 publishes. Lapses after CLAIM_SECONDS. */
  claim: string;
  /** The Recorded answer, for the window. */
  answer: string;
}

/** Presence keys of one identity's key on one route, built here only. */
export function storedKeyNames(scope: string, sub: string, key: string): StoredKeyNames {
  // `sub` escaped, `key` last: no `:` in either makes two identities' keys meet.
  const id = `${scope}:${encodeURIComponent(sub)}:${key}`;
  return { claim: `arena:idempotency:claim:${id}`, answer: `arena:idempotency:answer:${id}` };
}

/** One key in presence: its first answer, and the claim of the request publishing it. */
class StoredKey {
  constructor(private readonly presence: Presence, private readonly names: StoredKeyNames, private readonly windowSeconds: number) {}

  async answer(): Promise<Recorded | undefined> {
    const raw: string | null | undefined = await reachable(() => this.presence.get(this.names.answer));
    return raw ? (JSON.parse(raw) as Recorded) : undefined;
  }

  /**
   * Whether this request is the one to publish. Presence has no SETNX: the claim is a counter whose increment
   * returns 1 to one request only. HINCRBYEX sets the count and its expiry in one MULTI on Redis, so a claim
   * whose node dies lapses by itself. A claim already held is not incremented, so waiting does not prolong it.
   */
  async claim(): Promise<boolean> {
    if (await reachable(() => this.presence.exists(this.names.claim))) return false;
    return (await reachable(() => this.presence.hincrbyex(this.names.claim, "claims", 1, CLAIM_SECONDS))) === 1;
  }

  /** Keeps the first answer for the window and frees the claim. */
  async record(recorded: Recorded): Promise<void> {
    // RedisPresence.setex resolves with the error instead of rejecting. The message is out either way: a lost
    // record only means a retry after the claim lapses would publish again.
    const failed: unknown = await this.presence.setex(this.names.answer, JSON.stringify(recorded), this.windowSeconds);
    if (failed instanceof Error) log.warn({ error: failed.message }, "published, but could not record the answer for its idempotency key");
    this.release();
  }

  /** Not awaited: while Redis is down, the command waits in ioredis's queue, and the claim lapses anyway. */
  release(): void {
    void this.presence.del(this.names.claim);
  }
}

/** A presence command whose failure means the store is out of reach: 503, nothing published. */
async function reachable<T>(command: () => T | Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw storeUnavailable(error instanceof Error ? error.message : String(error));
  }
}

function storeUnavailable(detail: string): ApiError {
  return new ApiError(ErrorCode.STORE_UNAVAILABLE, `idempotency keys (presence) unavailable: ${detail}; retry shortly`, RETRY_AFTER_SECONDS);
}

/**
 * RedisPresence's command connection: its protected `pub` on 0.16, read as server/cluster/backend.ts reads it
 * (the lifecycle test fails if it moves). None in process.
 */
function presenceConnection(presence: Presence): RedisConnection | undefined {
  return (presence as unknown as { pub?: RedisConnection }).pub;
}

/** The request as its method, path and body: two requests with one key are the same message if these agree. */
function fingerprintOf(req: Request): string {
  return createHash("sha256").update(`${req.method} ${req.baseUrl}${req.path}\n${canonicalJson(req.body)}`).digest("base64url");
}

/** JSON with every object's fields in sorted order: the same body however a client orders them. */
function canonicalJson(value: unknown): string {
  const sorted = JSON.stringify(value, (_field, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
  return sorted ?? "";
}

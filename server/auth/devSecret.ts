import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The dev secret: with no key configured, each server start signs and verifies
 * with a fresh random HS256 secret. It is written (mode 0600) to
 * ARENA_DEV_SECRET_FILE so `npm run token` on the same machine signs with it;
 * the file is git-ignored and worthless after the next start.
 */
export function createDevSecret(): string {
  return randomBytes(32).toString("hex");
}

export function writeDevSecret(file: string, secret: string): string {
  const path = resolve(file);
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return path;
}

/** The secret a running dev server wrote, or undefined when there is none. */
export function readDevSecret(file: string): string | undefined {
  try {
    return readFileSync(resolve(file), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `npm run -s token -- --role operator --name NAME [--sub ID] [--ttl SECONDS]`
 * prints a token signed with ARENA_JWT_SECRET, or else with the dev secret a
 * running dev server (`npm start` without a key) wrote to ARENA_DEV_SECRET_FILE.
 */
import { parseArgs } from "node:util";
import { signToken } from "./auth/Auth";
import { readDevSecret } from "./auth/devSecret";
import { DisplayName, Role } from "./auth/identity";
import { loadConfig } from "./config";

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      name: { type: "string" },
      sub: { type: "string" },
      ttl: { type: "string", default: String(12 * 3600) },
    },
  });
  const role = Role.safeParse(values.role);
  if (!role.success) fail("--role must be player, display, operator or service");
  const name = DisplayName.safeParse(values.name);
  if (!name.success) fail("--name must be 1-24 characters");
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) fail("--ttl must be a positive number of seconds");

  const config = loadConfig();
  const secret = config.ARENA_JWT_SECRET ?? readDevSecret(config.ARENA_DEV_SECRET_FILE);
  if (!secret) {
    fail(`no ARENA_JWT_SECRET and no dev secret in ${config.ARENA_DEV_SECRET_FILE}: start the dev server first (npm start) or set ARENA_JWT_SECRET`);
  }
  const token = await signToken(new TextEncoder().encode(secret), { name: name.data, role: role.data, sub: values.sub }, ttl, config);
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

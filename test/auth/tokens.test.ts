import assert from "node:assert/strict";
import { SignJWT } from "jose";
import type { MatchState } from "../../schema/MatchState";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, clientWith, TEST_SECRET, testToken, waitFor } from "../helpers";

/** The MatchMakeError colyseus.js throws for a refused join: HTTP-like status and a message led by the error code. */
async function refusal(join: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await join;
  } catch (error) {
    const { code, message } = error as { code: number; message: string };
    return { code, message };
  }
  throw new Error("the join was admitted");
}

describe("match admission by token", () => {
  const arena = arenaForSuite(2652);

  const joinWith = (token?: string) => clientWith(arena.server, token).joinOrCreate<MatchState>("match");

  it("admits a player token and names the player after it", async () => {
    const room = await joinWith(await testToken({ name: "Alice", role: "player" }));
    await waitFor("own player in state", () => room.state.players?.get(room.sessionId)?.name === "Alice");
  });

  it("refuses a join without a token (401 token_missing)", async () => {
    const e = await refusal(joinWith());
    assert.equal(e.code, 401);
    assert.match(e.message, new RegExp(`^${ErrorCode.TOKEN_MISSING}:`));
  });

  it("refuses an expired token (401 token_expired) but tolerates a clock skew within ARENA_JWT_CLOCK_SKEW_SECONDS", async () => {
    const expired = await refusal(joinWith(await testToken({ name: "Late", role: "player" }, { ttlSeconds: -60 })));
    assert.equal(expired.code, 401);
    assert.match(expired.message, new RegExp(`^${ErrorCode.TOKEN_EXPIRED}:`));
    // Expired 10 s ago: inside the default 30 s skew.
    await joinWith(await testToken({ name: "Skewed", role: "player" }, { ttlSeconds: -10 }));
  });

  it("refuses forged tokens: wrong secret, unsigned, garbage (401 token_invalid)", async () => {
    const wrongKey = await testToken({ name: "Mallory", role: "player" }, { secret: "not-the-server-secret-0123456789abcdef" });
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const claims = Buffer.from(JSON.stringify({ sub: "x", name: "Mallory", role: "operator", exp: 4102444800 })).toString("base64url");
    for (const token of [wrongKey, `${header}.${claims}.`, "not.a.jwt", "x".repeat(3000)]) {
      const e = await refusal(joinWith(token));
      assert.equal(e.code, 401, token.slice(0, 20));
      assert.match(e.message, new RegExp(`^${ErrorCode.TOKEN_INVALID}:`));
    }
  });

  it("refuses a correctly signed token with bad claims (401 token_invalid)", async () => {
    const secret = new TextEncoder().encode(TEST_SECRET);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(secret);
    for (const claims of [
      { sub: "a", name: "Root", role: "admin" },
      { sub: "a", role: "player" },
      { name: "NoSub", role: "player" },
      { sub: "a", name: "x".repeat(200), role: "player" },
    ]) {
      const e = await refusal(joinWith(await sign(claims)));
      assert.equal(e.code, 401, JSON.stringify(claims));
      assert.match(e.message, new RegExp(`^${ErrorCode.TOKEN_INVALID}:`));
    }
    const noExpiry = await new SignJWT({ sub: "a", name: "Forever", role: "player" }).setProtectedHeader({ alg: "HS256" }).sign(secret);
    assert.equal((await refusal(joinWith(noExpiry))).code, 401, "a token without exp is refused");
  });

  it("refuses displays and operators in a match (403 role_forbidden)", async () => {
    for (const role of ["display", "operator"] as const) {
      const e = await refusal(joinWith(await testToken({ name: "Screen", role })));
      assert.equal(e.code, 403);
      assert.match(e.message, new RegExp(`^${ErrorCode.ROLE_FORBIDDEN}:`));
    }
  });
});

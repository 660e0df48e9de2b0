import assert from "node:assert/strict";
import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../../server/ApiError";
import { Auth } from "../../server/auth/Auth";
import { loadConfig } from "../../server/config";
import { TEST_SECRET, waitFor } from "../helpers";

/** The error code a verification ends with, or "ok". */
async function outcome(auth: Auth, token: string): Promise<string> {
  try {
    await auth.verify(token);
    return "ok";
  } catch (error) {
    return error instanceof ApiError ? error.code : String(error);
  }
}

describe("verified tokens remembered (ARENA_JWT_CACHE_SIZE)", () => {
  const authWith = (env: Record<string, string> = {}) =>
    new Auth(loadConfig({ ARENA_JWT_SECRET: TEST_SECRET, ARENA_JWT_CLOCK_SKEW_SECONDS: "0", ...env }));

  it("refuses a remembered token once its exp passes, as if never seen", async () => {
    const auth = authWith();
    const token = await auth.sign({ sub: "backend", name: "Backend", role: "service" }, 1);
    assert.deepEqual(await auth.verify(token), { sub: "backend", name: "Backend", role: "service" });
    assert.equal(await outcome(auth, token), "ok", "again, from memory");
    await waitFor("the token expires", async () => (await outcome(auth, token)) === ErrorCode.TOKEN_EXPIRED, 5000);
  });

  it("refuses a copy of a remembered token with another signature or other claims", async () => {
    const auth = authWith();
    const token = await auth.sign({ sub: "backend", name: "Backend", role: "service" }, 600);
    assert.equal(await outcome(auth, token), "ok");
    const [header, claims, signature] = token.split(".");
    const otherSignature = `${header}.${claims}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    const asOperator = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims, "base64url").toString()), role: "operator" })).toString("base64url");
    for (const forged of [otherSignature, `${header}.${asOperator}.${signature}`]) assert.equal(await outcome(auth, forged), ErrorCode.TOKEN_INVALID);
  });

  it("remembers the tokens that come with every request (service, operator), not a player's or display's", async () => {
    const auth = authWith();
    for (const role of ["player", "display"] as const) assert.equal(await outcome(auth, await auth.sign({ sub: role, name: role, role }, 600)), "ok");
    assert.equal(auth.rememberedTokens, 0, "a join's token is verified once and forgotten");
    for (const role of ["service", "operator"] as const) assert.equal(await outcome(auth, await auth.sign({ sub: role, name: role, role }, 600)), "ok");
    assert.equal(auth.rememberedTokens, 2);
  });

  it("verifies every request with 0, and refuses a bad size at start", async () => {
    const auth = authWith({ ARENA_JWT_CACHE_SIZE: "0" });
    const token = await auth.sign({ sub: "backend", name: "Backend", role: "service" }, 600);
    assert.equal(await outcome(auth, token), "ok");
    assert.throws(() => authWith({ ARENA_JWT_CACHE_SIZE: "-1" }), /ARENA_JWT_CACHE_SIZE/);
  });
});

import assert from "node:assert/strict";
import { createServer, Server } from "node:http";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { ErrorCode } from "../../schema/codes";
import { clientWith, testToken, whoami, withArena } from "../helpers";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

/** A token as a studio's account service would issue it. */
function accountToken(key: PrivateKey, alg: string, claims: { sub: string; name: string; role: string }, kid?: string): Promise<string> {
  return new SignJWT({ name: claims.name, role: claims.role })
    .setProtectedHeader({ alg, kid })
    .setSubject(claims.sub)
    .setIssuer("https://accounts.example")
    .setExpirationTime("10m")
    .sign(key);
}

describe("tokens from an account service (asymmetric keys)", () => {
  it("verifies with a PEM public key; refuses other keys, HS256 and a wrong issuer", async () => {
    const service = await generateKeyPair("ES256", { extractable: true });
    const stranger = await generateKeyPair("ES256");
    await withArena(2653, {
      ARENA_JWT_SECRET: "",
      ARENA_GUEST_AUTH: "",
      ARENA_JWT_PUBLIC_KEY: await exportSPKI(service.publicKey),
      ARENA_JWT_PUBLIC_KEY_ALG: "ES256",
      ARENA_JWT_ISSUER: "https://accounts.example",
    }, async (arena) => {
      const good = await accountToken(service.privateKey, "ES256", { sub: "u-1", name: "Studio", role: "player" });
      assert.deepEqual(await whoami(arena, good), { status: 200, body: { sub: "u-1", name: "Studio", role: "player" } });
      const room = await clientWith(arena, good).joinOrCreate("match");
      await room.leave();

      const forged = await accountToken(stranger.privateKey, "ES256", { sub: "u-1", name: "Studio", role: "operator" });
      // Signed with the public key's PEM text as an HMAC secret: the classic algorithm-confusion forgery.
      const confused = await testToken({ name: "Confused", role: "operator" }, { secret: await exportSPKI(service.publicKey) });
      const otherIssuer = await new SignJWT({ name: "Studio", role: "player" })
        .setProtectedHeader({ alg: "ES256" }).setSubject("u-1").setIssuer("https://evil.example").setExpirationTime("10m")
        .sign(service.privateKey);
      for (const token of [forged, confused, otherIssuer]) {
        const { status, body } = await whoami(arena, token);
        assert.equal(status, 401);
        assert.equal(body.error.code, ErrorCode.TOKEN_INVALID);
      }
      // No shared secret: the server cannot issue guest tokens, and says so.
      const guest = await fetch(`${arena.httpUrl}/api/auth/guest`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "G", role: "player" }),
      });
      assert.equal(guest.status, 403);
      assert.equal(((await guest.json()) as any).error.code, ErrorCode.GUESTS_DISABLED);
    });
  });

  it("verifies with keys fetched from a JWKS URL, picking the key by kid", async () => {
    const keyA = await generateKeyPair("RS256", { extractable: true });
    const keyB = await generateKeyPair("EdDSA", { extractable: true });
    const jwks = {
      keys: [
        { ...(await exportJWK(keyA.publicKey)), kid: "a", alg: "RS256" },
        { ...(await exportJWK(keyB.publicKey)), kid: "b", alg: "EdDSA" },
      ],
    };
    const jwksServer: Server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(jwks)));
    await new Promise<void>((resolve) => jwksServer.listen(2655, "127.0.0.1", resolve));
    try {
      await withArena(2654, { ARENA_JWT_SECRET: "", ARENA_GUEST_AUTH: "", ARENA_JWT_JWKS_URL: "http://127.0.0.1:2655/jwks.json" }, async (arena) => {
        const a = await accountToken(keyA.privateKey, "RS256", { sub: "u-a", name: "Ann", role: "display" }, "a");
        const b = await accountToken(keyB.privateKey, "EdDSA", { sub: "u-b", name: "Ben", role: "operator" }, "b");
        assert.equal((await whoami(arena, a)).body.name, "Ann");
        assert.equal((await whoami(arena, b)).body.role, "operator");
        const unknownKid = await accountToken(keyA.privateKey, "RS256", { sub: "u-a", name: "Ann", role: "display" }, "zzz");
        assert.equal((await whoami(arena, unknownKid)).body.error.code, ErrorCode.TOKEN_INVALID);
        // Arena's own HS256 tokens mean nothing here.
        assert.equal((await whoami(arena, await testToken({ name: "Own", role: "operator" }))).status, 401);
      });
    } finally {
      jwksServer.close();
    }
  });
});

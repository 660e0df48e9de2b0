import type { JWK } from "jose";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ArenaConfig } from "./config";
import { logger } from "./logger";

/** What a signed broadcast covers. */
export interface SignedContent {
  channel: string;
  seq: number;
  payload: unknown;
}

export interface BroadcastSigner {
  /** Compact JWS (EdDSA) over the JSON of `content`. */
  sign(content: SignedContent): string;
  /** The public key set served at /.well-known/jwks.json. */
  readonly jwks: { keys: JWK[] };
}

const ALG = "EdDSA";

/**
 * Signing is synchronous (node:crypto; Ed25519 signatures are deterministic, so
 * every node signs a message to the same bytes): broadcasts are signed as they
 * are delivered, in seq order, and an await there would let a later one pass.
 * jose verifies them (client/verifyBroadcast.ts).
 */
export function createBroadcastSigner({ ARENA_SIGNING_KEY, ARENA_SIGNING_KEY_FILE }: ArenaConfig): BroadcastSigner {
  const pem = ARENA_SIGNING_KEY ?? (ARENA_SIGNING_KEY_FILE ? readFileSync(ARENA_SIGNING_KEY_FILE, "utf8") : undefined);
  let privateKey: KeyObject;
  if (pem) {
    privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("ARENA_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)");
  } else {
    privateKey = generateKeyPairSync("ed25519").privateKey;
    logger.warn("no ARENA_SIGNING_KEY: broadcasts are signed with an ephemeral key that changes at every start");
  }
  const publicJwk = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  // RFC 7638 thumbprint of an OKP key: SHA-256 of its required members in lexicographic order.
  const kid = createHash("sha256").update(JSON.stringify({ crv: publicJwk.crv, kty: publicJwk.kty, x: publicJwk.x })).digest("base64url");
  const jwks = { keys: [{ ...publicJwk, kid, alg: ALG, use: "sig" }] };
  const header = Buffer.from(JSON.stringify({ alg: ALG, kid })).toString("base64url");
  return {
    jwks,
    sign: (content) => {
      const signingInput = `${header}.${Buffer.from(JSON.stringify(content)).toString("base64url")}`;
      return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString("base64url")}`;
    },
  };
}

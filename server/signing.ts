import { calculateJwkThumbprint, JWK } from "jose";
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadConfig } from "./config";
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
 * jose verifies (client/verifyBroadcast.ts) and names the key (its thumbprint).
 */
async function createSigner(): Promise<BroadcastSigner> {
  const { ARENA_SIGNING_KEY, ARENA_SIGNING_KEY_FILE } = loadConfig();
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
  const kid = await calculateJwkThumbprint(publicJwk);
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

let signer: Promise<BroadcastSigner> | undefined;

/** The process's broadcast signer, created on first use. */
export function broadcastSigner(): Promise<BroadcastSigner> {
  return (signer ??= createSigner());
}

import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, importPKCS8, JWK } from "jose";
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
  sign(content: SignedContent): Promise<string>;
  /** The public key set served at /.well-known/jwks.json. */
  readonly jwks: { keys: JWK[] };
}

const ALG = "EdDSA";

async function createSigner(): Promise<BroadcastSigner> {
  const { ARENA_SIGNING_KEY, ARENA_SIGNING_KEY_FILE } = loadConfig();
  const pem = ARENA_SIGNING_KEY ?? (ARENA_SIGNING_KEY_FILE ? readFileSync(ARENA_SIGNING_KEY_FILE, "utf8") : undefined);
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  if (pem) {
    privateKey = await importPKCS8(pem, ALG, { extractable: true });
    // The public half of an Ed25519 private JWK is its `x`: drop the private `d`.
    const { d: _private, ...pub } = await exportJWK(privateKey);
    publicJwk = pub;
  } else {
    const pair = await generateKeyPair(ALG, { crv: "Ed25519", extractable: true });
    privateKey = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
    logger.warn("no ARENA_SIGNING_KEY: broadcasts are signed with an ephemeral key that changes at every start");
  }
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks = { keys: [{ ...publicJwk, kid, alg: ALG, use: "sig" }] };
  const encoder = new TextEncoder();
  return {
    jwks,
    sign: (content) =>
      new CompactSign(encoder.encode(JSON.stringify(content))).setProtectedHeader({ alg: ALG, kid }).sign(privateKey),
  };
}

let signer: Promise<BroadcastSigner> | undefined;

/** The process's broadcast signer, created on first use. */
export function broadcastSigner(): Promise<BroadcastSigner> {
  return (signer ??= createSigner());
}

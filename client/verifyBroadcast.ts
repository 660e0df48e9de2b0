import { compactVerify, createLocalJWKSet, JSONWebKeySet } from "jose";
import type { Broadcast } from "../schema/serverMessages";

/** JSON with object keys sorted, so two encodings of the same value compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export type Verifier = (broadcast: Broadcast) => Promise<boolean>;

/**
 * Checks a broadcast against the server's key set (/.well-known/jwks.json): the
 * JWS must verify (EdDSA only) and sign exactly this channel, seq and payload.
 * Unsigned, tampered or re-targeted messages are refused.
 */
export function broadcastVerifier(jwks: JSONWebKeySet): Verifier {
  const keys = createLocalJWKSet(jwks);
  const decoder = new TextDecoder();
  return async (broadcast) => {
    if (typeof broadcast?.jws !== "string") return false;
    try {
      const { payload } = await compactVerify(broadcast.jws, keys, { algorithms: ["EdDSA"] });
      const signed = JSON.parse(decoder.decode(payload));
      return canonical(signed) === canonical({ channel: broadcast.channel, seq: broadcast.seq, payload: broadcast.payload });
    } catch {
      return false;
    }
  };
}

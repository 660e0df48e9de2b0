import { createPublicKey, KeyObject, randomUUID } from "node:crypto";
import { createRemoteJWKSet, errors, JWTVerifyGetKey, JWTVerifyOptions, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../ApiError";
import type { ArenaConfig } from "../config";
import { logger } from "../logger";
import { createDevSecret, writeDevSecret } from "./devSecret";
import { Identity, Role } from "./identity";

/**
 * The longest a verified token is taken on trust without checking its signature again, whatever its `exp`:
 * a key withdrawn from the account service's JWKS stops the tokens it signed within this.
 */
const TRUST_VERIFIED_MS = 5 * 60_000;
/** The roles whose tokens come with every request (publishes): the ones worth remembering. */
const REPEATING_ROLES: ReadonlySet<Role> = new Set<Role>(["service", "operator"]);

const ASYMMETRIC_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/**
 * Verifies bearer JWTs (`sub`, `name`, `role`) and signs the ones Arena issues
 * itself (guests, `npm run token`). Keys: an HS256 secret (ARENA_JWT_SECRET, or
 * a random dev secret when nothing is configured) and/or one asymmetric source
 * for an account service (a PEM public key or a JWKS URL). `exp` is required and
 * honoured within ARENA_JWT_CLOCK_SKEW_SECONDS.
 */
export class Auth {
  /** Set only in dev mode: nothing configured, so this process made its own secret. */
  readonly devSecret: string | undefined;
  readonly guestsEnabled: boolean;
  /**
   * A WebCrypto key imported once: jose (its Web API build) imports a Uint8Array
   * or KeyObject secret into WebCrypto again on every verification.
   */
  private readonly secret: Promise<CryptoKey> | undefined;
  private readonly publicKey: KeyObject | undefined;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly verifyOptions: JWTVerifyOptions;
  /**
   * Tokens already verified, by their exact text, until their `exp` (or TRUST_VERIFIED_MS): a backend
   * sends the same service token with every publish, and verifying it again each time (HS256 through
   * WebCrypto) took 11 % of a batched user-channel run's busy time (docs/benchmarks.md). Only the roles
   * that send a token with every request (REPEATING_ROLES): a player's or display's token comes once a
   * join, and remembering each display's cost about 0.5 KB of heap (docs/benchmarks.md, finding 7).
   */
  private readonly verified: LRUCache<string, Identity> | undefined;

  constructor(private readonly config: ArenaConfig) {
    const configured = config.ARENA_JWT_SECRET ?? config.ARENA_JWT_PUBLIC_KEY ?? config.ARENA_JWT_JWKS_URL;
    this.devSecret = configured === undefined ? createDevSecret() : undefined;
    const secret = config.ARENA_JWT_SECRET ?? this.devSecret;
    this.secret = secret === undefined
      ? undefined
      : crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    // createPublicKey throws on a bad PEM now, at start, rather than on the first join.
    this.publicKey = config.ARENA_JWT_PUBLIC_KEY === undefined ? undefined : createPublicKey(config.ARENA_JWT_PUBLIC_KEY);
    this.jwks = config.ARENA_JWT_JWKS_URL === undefined ? undefined : createRemoteJWKSet(new URL(config.ARENA_JWT_JWKS_URL));
    this.guestsEnabled = config.ARENA_GUEST_AUTH ?? this.devSecret !== undefined;
    this.verified = config.ARENA_JWT_CACHE_SIZE > 0 ? new LRUCache({ max: config.ARENA_JWT_CACHE_SIZE }) : undefined;
    const algorithms = [
      ...(this.secret ? ["HS256"] : []),
      ...(this.publicKey ? [config.ARENA_JWT_PUBLIC_KEY_ALG] : []),
      ...(this.jwks ? ASYMMETRIC_ALGS : []),
    ];
    this.verifyOptions = {
      algorithms,
      clockTolerance: config.ARENA_JWT_CLOCK_SKEW_SECONDS,
      issuer: config.ARENA_JWT_ISSUER,
      audience: config.ARENA_JWT_AUDIENCE,
      requiredClaims: ["sub", "exp"],
    };
  }

  /** HS256 takes the secret, anything else the account service's key; the algorithm allow-list ran first. */
  private readonly getKey: JWTVerifyGetKey = (header, token) => {
    if (header.alg === "HS256") return this.secret!;
    return this.publicKey ?? this.jwks!(header, token);
  };

  /** Writes the dev secret for `npm run token` and prints it once; a no-op with a configured key. */
  announceDevSecret(): void {
    if (!this.devSecret) return;
    const file = writeDevSecret(this.config.ARENA_DEV_SECRET_FILE, this.devSecret);
    logger.warn(
      { devSecretFile: file },
      `no ARENA_JWT_SECRET, ARENA_JWT_PUBLIC_KEY or ARENA_JWT_JWKS_URL: dev mode, guest tokens on, tokens signed with ` +
        `this start's random secret ARENA_JWT_SECRET=${this.devSecret} (also in the file; \`npm run token\` reads it)`,
    );
  }

  /** The identity a bearer token speaks for, or an ApiError (token_missing, token_invalid, token_expired). */
  async verify(token: string | undefined): Promise<Identity> {
    if (!token) throw new ApiError(ErrorCode.TOKEN_MISSING, "a bearer token is required (Authorization: Bearer <jwt>)");
    const known = this.verified?.get(token);
    if (known) return known;
    let payload: { exp?: number };
    try {
      ({ payload } = await jwtVerify(token, this.getKey, this.verifyOptions));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new ApiError(ErrorCode.TOKEN_EXPIRED, "token expired: get a new one");
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) {
        logger.error({ err: error }, "could not verify a token: key source failed");
        throw new ApiError(ErrorCode.INTERNAL, "the server could not load its token keys");
      }
      throw new ApiError(ErrorCode.TOKEN_INVALID, `token refused: ${error.message}`);
    }
    const identity = Identity.safeParse(payload);
    if (!identity.success) {
      const issue = identity.error.issues[0];
      throw new ApiError(ErrorCode.TOKEN_INVALID, `token claim ${issue.path.join(".")}: ${issue.message}`);
    }
    // Forgotten when it expires (skew included), so an expired token is refused as if never seen.
    const trustMs = Math.min(TRUST_VERIFIED_MS, (payload.exp! + this.config.ARENA_JWT_CLOCK_SKEW_SECONDS) * 1000 - Date.now());
    if (trustMs > 0 && REPEATING_ROLES.has(identity.data.role)) this.verified?.set(token, identity.data, { ttl: trustMs });
    return identity.data;
  }

  /** How many verified tokens are remembered now. */
  get rememberedTokens(): number {
    return this.verified?.size ?? 0;
  }

  /** Refuses an identity whose role is not among `allowed` (role_forbidden, 403). */
  static requireRole(identity: Identity, allowed: readonly Role[]): void {
    if (!allowed.includes(identity.role)) {
      throw new ApiError(ErrorCode.ROLE_FORBIDDEN, `role ${identity.role} may not do this (needs ${allowed.join(" or ")})`);
    }
  }

  get canSign(): boolean {
    return this.secret !== undefined;
  }

  /** Signs an HS256 token with the configured or dev secret. */
  async sign(claims: { sub?: string; name: string; role: Role }, ttlSeconds: number): Promise<string> {
    if (!this.secret) throw new Error("no HS256 secret to sign with: set ARENA_JWT_SECRET");
    return signToken(await this.secret, claims, ttlSeconds, this.config);
  }
}

/** HS256 with Arena's claims; shared by the server (guests) and `npm run token`. */
export function signToken(
  secret: Uint8Array | CryptoKey,
  claims: { sub?: string; name: string; role: Role },
  ttlSeconds: number,
  config: Pick<ArenaConfig, "ARENA_JWT_ISSUER" | "ARENA_JWT_AUDIENCE">,
): Promise<string> {
  const jwt = new SignJWT({ name: claims.name, role: claims.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub ?? `${claims.role}-${randomUUID()}`)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds);
  if (config.ARENA_JWT_ISSUER) jwt.setIssuer(config.ARENA_JWT_ISSUER);
  if (config.ARENA_JWT_AUDIENCE) jwt.setAudience(config.ARENA_JWT_AUDIENCE);
  return jwt.sign(secret);
}

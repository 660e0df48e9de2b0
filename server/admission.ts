import type { AuthContext } from "@colyseus/core";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ErrorCode } from "../schema/codes";
import { ApiError } from "./ApiError";
import { Auth } from "./auth/Auth";
import { Identity, Role } from "./auth/identity";
import type { ArenaConfig } from "./config";
import type { SeatHolder, SeatLimits } from "./limits/SeatLimits";
import { contextIp } from "./limits/clientIp";
import type { ArenaMetrics } from "./metrics";

/** What a room knows of a client it admitted (`client.auth`): its identity and the address its seat counts against. */
export type Admitted = Identity & SeatHolder;

/**
 * What a matchmaking request passes before any room is found, created or
 * reserved: the per-IP matchmaking rate, the per-IP connection cap, the token
 * and the room's roles. One per server, built by the composition root.
 */
export class Admission {
  private readonly matchmakeRate: RateLimiterMemory;

  constructor(
    readonly config: ArenaConfig,
    readonly auth: Auth,
    readonly seats: SeatLimits,
    private readonly metrics: ArenaMetrics,
  ) {
    this.matchmakeRate = new RateLimiterMemory({ keyPrefix: "matchmake", points: config.ARENA_MATCHMAKE_REQUESTS_PER_MINUTE, duration: 60 });
  }

  /**
   * Who a matchmaking request is admitted as (its identity and the address it came from, which its seat
   * counts against: see `takeSeat`), or an ApiError saying why not.
   */
  async admit(token: string | undefined, context: AuthContext, allowedRoles: readonly Role[]): Promise<Admitted> {
    const address = contextIp(context, this.config.ARENA_TRUST_PROXY);
    await this.withinMatchmakeRate(address);
    const identity = await this.authorize(token, allowedRoles);
    await this.counted(this.seats.check({ address, sub: identity.sub }));
    return { ...identity, address };
  }

  /** Counts a seat reserved for `holder` against its address and identity, or refuses it (too_many_connections). */
  takeSeat(holder: SeatHolder): Promise<void> {
    return this.counted(this.seats.take(holder));
  }

  /** A refusal of `check` counted in arena_connections_refused_total. */
  private async counted(check: Promise<void>): Promise<void> {
    try {
      await check;
    } catch (error) {
      if (error instanceof ApiError) this.metrics.connectionsRefused.labels(error.code).inc();
      throw error;
    }
  }

  /**
   * A reconnection to a held seat: within the same matchmaking rate, with a
   * token of the identity that held it (`seatOwner`, its `sub`). A reconnection
   * token alone, or another identity's token, takes no seat.
   */
  async admitReconnection(token: string | undefined, ip: string, seatOwner: () => Promise<string | undefined>): Promise<void> {
    await this.withinMatchmakeRate(ip);
    const identity = await this.authorize(token, Role.options);
    const owner = await seatOwner();
    if (owner === undefined || owner === identity.sub) return;
    this.metrics.connectionsRefused.labels(ErrorCode.RECONNECT_FORBIDDEN).inc();
    throw new ApiError(ErrorCode.RECONNECT_FORBIDDEN, "this seat belongs to another identity: reconnect with the token of the player who held it");
  }

  private async withinMatchmakeRate(ip: string): Promise<void> {
    try {
      await this.matchmakeRate.consume(ip);
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      const retryAfter = Math.ceil((rejection as RateLimiterRes).msBeforeNext / 1000);
      this.metrics.connectionsRefused.labels(ErrorCode.RATE_LIMITED).inc();
      throw new ApiError(ErrorCode.RATE_LIMITED, `more than ${this.config.ARENA_MATCHMAKE_REQUESTS_PER_MINUTE} matchmaking requests a minute; retry in ${retryAfter} s`, retryAfter);
    }
  }

  /** The identity of a bearer `token` whose role is among `roles` (matchmaking and HTTP routes), or why not. */
  async authorize(token: string | undefined, roles: readonly Role[]): Promise<Identity> {
    try {
      const identity = await this.auth.verify(token);
      Auth.requireRole(identity, roles);
      return identity;
    } catch (error) {
      if (error instanceof ApiError) this.metrics.authRefused.labels(error.code).inc();
      throw error;
    }
  }
}

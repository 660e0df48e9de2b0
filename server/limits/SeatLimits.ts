import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../ApiError";
import type { ConnectionLimiter } from "./ConnectionLimiter";

/** Whom a seat counts against: the address it was asked from and the identity it is for. */
export interface SeatHolder {
  address: string;
  sub: string;
}

/**
 * Seats per client address and per identity, cluster-wide with shared limiters.
 * A seat counts from its reservation (a room made or a seat taken at matchmaking)
 * until it is given up (its connection gone for good, or the reservation unused
 * when it expires): a reservation nobody connects to costs its address and its
 * identity like a connection, so neither can hold more rooms or seats than the caps.
 */
export class SeatLimits {
  constructor(
    readonly byAddress: ConnectionLimiter,
    readonly maxPerAddress: number,
    /** Absent: no cap per identity (ARENA_MAX_CONNECTIONS_PER_IDENTITY=0). */
    private readonly byIdentity: ConnectionLimiter | undefined,
    private readonly maxPerIdentity: number,
  ) {}

  /**
   * Refuses, at matchmaking and before any room work, a holder whose address or identity is already at its
   * cap: what `take` then counts at the reservation itself (where Colyseus would report any refusal as a full room).
   */
  async check(holder: SeatHolder): Promise<void> {
    if ((await this.byAddress.count(holder.address)) >= this.maxPerAddress) throw this.full("this address", this.maxPerAddress);
    if (this.byIdentity && (await this.byIdentity.count(holder.sub)) >= this.maxPerIdentity) throw this.full("this identity", this.maxPerIdentity);
  }

  /** Counts one seat for `holder`, or refuses with too_many_connections when its address or identity is at its cap. */
  async take(holder: SeatHolder): Promise<void> {
    if (!(await this.byAddress.tryAcquire(holder.address))) throw this.full("this address", this.maxPerAddress);
    if (this.byIdentity && !(await this.byIdentity.tryAcquire(holder.sub))) {
      await this.byAddress.release(holder.address);
      throw this.full("this identity", this.maxPerIdentity);
    }
  }

  async release(holder: SeatHolder): Promise<void> {
    await this.byAddress.release(holder.address);
    await this.byIdentity?.release(holder.sub);
  }

  /** Gives back every seat a dead node still held. */
  async forgetNode(nodeId: string): Promise<void> {
    await this.byAddress.forgetNode?.(nodeId);
    await this.byIdentity?.forgetNode?.(nodeId);
  }

  private full(who: string, max: number): ApiError {
    return new ApiError(ErrorCode.TOO_MANY_CONNECTIONS, `${who} already holds ${max} seats (connections and reservations)`);
  }
}

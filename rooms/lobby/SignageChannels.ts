import type { Presence } from "@colyseus/core";
import type { Fanout } from "../fanout/Fanout";
import { signageChannelKey, SIGNAGE_CHANNELS_KEY } from "../fanout/keys";
import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../../server/ApiError";
import { unavailable } from "../fanout/ChannelStore";
import { logger } from "../../server/logger";

const log = logger.child({ subsystem: "signage" });
/** However long the idle time, idle channels are looked for at least this often. */
const MAX_SWEEP_MS = 3600_000;

/**
 * Signage storage, bounded: at most `maxChannels` channels hold a numbering and
 * a backlog across the cluster (a publish that would open one more is refused
 * with too_many_channels), and a channel nobody published to for `idleSeconds`
 * is forgotten with its backlog and retained message, which frees its place.
 * What is stored is then at most maxChannels x backlog x body size. The
 * channels and their last publish times are a hash in presence, so every node
 * sees the same count; each node sweeps every `sweepEveryMs` (the composition
 * root keeps the timer; dropping twice is harmless).
 */
export class SignageChannels {
  constructor(
    private readonly presence: Presence,
    private readonly fanout: Fanout,
    private readonly maxChannels: number,
    /** 0: channels are never forgotten. */
    private readonly idleSeconds: number,
  ) {}

  /**
   * Notes a publish to `channel` now, or refuses it when it would open a channel past the cap. While the
   * store is down it refuses at once with store_unavailable, as the publish itself would: presence would
   * otherwise hold the command for the client's retries.
   */
  async notePublish(channel: string): Promise<void> {
    if (!this.fanout.storeReachable()) throw unavailable();
    const known = (await storeCall(this.presence.hget(SIGNAGE_CHANNELS_KEY, channel))) !== null;
    if (!known && (await storeCall(this.presence.hlen(SIGNAGE_CHANNELS_KEY))) >= this.maxChannels) {
      throw new ApiError(ErrorCode.TOO_MANY_CHANNELS, `${this.maxChannels} signage channels are in use (ARENA_SIGNAGE_MAX_CHANNELS): publish to one of them, or wait for an idle one to be forgotten`);
    }
    await storeCall(this.presence.hset(SIGNAGE_CHANNELS_KEY, channel, String(Date.now())));
  }

  /** How often idle channels are looked for; undefined when they are never forgotten. */
  get sweepEveryMs(): number | undefined {
    return this.idleSeconds === 0 ? undefined : Math.min(MAX_SWEEP_MS, (this.idleSeconds * 1000) / 2);
  }

  /** Forgets every channel idle for longer than `idleSeconds`; a failure is logged (the next sweep tries again). */
  sweep(): Promise<void> {
    return this.forgetIdle().catch((err: unknown) => log.warn({ err }, "idle signage channels not swept"));
  }

  private async forgetIdle(): Promise<void> {
    const idleBefore = Date.now() - this.idleSeconds * 1000;
    for (const [channel, last] of Object.entries((await this.presence.hgetall(SIGNAGE_CHANNELS_KEY)) ?? {})) {
      if (Number(last) >= idleBefore) continue;
      // Read again just before: a publish since the listing keeps it.
      if (Number(await this.presence.hget(SIGNAGE_CHANNELS_KEY, channel)) >= idleBefore) continue;
      await this.presence.hdel(SIGNAGE_CHANNELS_KEY, channel);
      await this.fanout.drop(signageChannelKey(channel));
      log.info({ channel, idleSeconds: this.idleSeconds }, "idle signage channel forgotten");
    }
  }
}

/** A presence call that failed (Redis lost mid-call) is the store being unavailable, not a server fault. */
async function storeCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw unavailable(error);
  }
}

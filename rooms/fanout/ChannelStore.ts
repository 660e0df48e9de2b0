import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../../server/ApiError";

/**
 * One channel message. `seq` counts per channel from 1 within an `epoch`; a new
 * epoch starts whenever the store lost the channel's numbering (Redis restarted
 * empty, a failover to an empty replica), so (epoch, seq) never names two
 * messages. Ephemeral messages have seq 0 and epoch "" and are never stored.
 */
export interface FanoutMessage<T = unknown> {
  key: string;
  epoch: string;
  seq: number;
  ts: number;
  payload: T;
}

/** How far a channel's numbering got, and in which epoch. */
export interface ChannelHead {
  epoch: string;
  seq: number;
}

export interface ChannelLog {
  /** Undefined while nothing is numbered on the channel (never published, dropped, or lost by the store). */
  head?: ChannelHead;
  /** Stored messages of `head.epoch` with seq > the requested one, oldest first. */
  messages: FanoutMessage[];
}

/**
 * Where channels are numbered, kept and streamed. `append` numbers, stores and
 * publishes (on the channel's presence topic) in one indivisible step, so every
 * node's presence stream carries a channel's messages in seq order: a later seq
 * can never overtake an earlier one on its way to subscribers.
 */
export interface ChannelStore {
  /**
   * Numbers `payload` on `key`, keeps it in the bounded backlog and publishes it.
   * Rejects with an ApiError `store_unavailable` when the store cannot be reached:
   * then nothing was numbered, stored or published.
   */
  append<T>(key: string, payload: T): Promise<FanoutMessage<T>>;
  /** The head and the stored messages after `afterSeq` (of the current epoch). */
  read(key: string, afterSeq: number): Promise<ChannelLog>;
  /** Forgets a channel's numbering and backlog. */
  drop(key: string): Promise<void>;
  /** False while the store is known to be unreachable: its commands would fail (or wait for its return). */
  reachable(): boolean;
  /**
   * `listener` runs when the stream of published messages was cut off and is
   * back (a reconnection to Redis): messages published meanwhile reached no
   * subscriber on this node, so subscribers read the backlog again. Returns its removal.
   */
  onStreamResumed(listener: () => void): () => void;
}

const STORE_RETRY_AFTER_SECONDS = 1;

/** What a store refuses with while it cannot be reached: nothing was numbered, stored or published. */
export function unavailable(cause?: unknown): ApiError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new ApiError(ErrorCode.STORE_UNAVAILABLE, `channel store (Redis) unavailable${detail}; retry shortly`, STORE_RETRY_AFTER_SECONDS);
}

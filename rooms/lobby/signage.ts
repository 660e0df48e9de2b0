import type { ChannelPosition, Fanout, FanoutMessage } from "../fanout/Fanout";
import { signageChannelKey, signageChannelOf, signageSyncKey } from "../fanout/keys";
import { Broadcast, PolledBroadcasts, Published, ServerMessageType, SyncRequest } from "../../schema/serverMessages";
import { roomMessageBytes } from "../../server/runtime/roomMessage";
import type { BroadcastSigner } from "../../server/signing";
import type { SignageChannels } from "./SignageChannels";


/** The one publish path for signage, whether from HTTP or an operator in the lobby. */
export async function publishBroadcast(fanout: Fanout, channels: SignageChannels, channel: string, payload: unknown): Promise<Published> {
  await channels.notePublish(channel);
  const message = await fanout.publish(signageChannelKey(channel), payload);
  return { channel, epoch: message.epoch, seq: message.seq };
}

/** How many messages' signed and framed forms a node keeps: the ones being delivered and caught up on now. */
const RECENT_ENCODINGS = 256;

/**
 * Signage messages as displays receive them, signed and framed once per message
 * on this node: the fan-out hands every local subscriber the same message
 * object, so every display gets the same bytes. Only the most recent messages'
 * forms are kept: tied to the stored message's lifetime they tripled what
 * each message of every channel's backlog held (the payload, the JWS carrying
 * it, the framed bytes carrying both).
 */
export class BroadcastEncoder {
  private readonly recent = new Map<FanoutMessage, { broadcast: Broadcast; bytes?: Buffer }>();

  constructor(readonly signer: BroadcastSigner) {}

  broadcastOf(message: FanoutMessage): Broadcast {
    return this.encodingOf(message).broadcast;
  }

  /** The `broadcast` room message, ready for the socket. */
  bytesOf(message: FanoutMessage): Buffer {
    const encoding = this.encodingOf(message);
    return (encoding.bytes ??= roomMessageBytes(ServerMessageType.BROADCAST, encoding.broadcast));
  }

  private encodingOf(message: FanoutMessage): { broadcast: Broadcast; bytes?: Buffer } {
    let encoding = this.recent.get(message);
    if (!encoding) {
      const channel = signageChannelOf(message.key)!;
      const { epoch, seq, payload } = message;
      encoding = { broadcast: { channel, epoch, seq, payload, jws: this.signer.sign({ channel, seq, payload }) } };
      this.recent.set(message, encoding);
      if (this.recent.size > RECENT_ENCODINGS) this.recent.delete(this.recent.keys().next().value!);
    }
    return encoding;
  }
}

/** The retained message and every later one still in the backlog after `from` (the polling fallback). */
export async function broadcastsAfter(fanout: Fanout, broadcasts: BroadcastEncoder, channel: string, from: ChannelPosition): Promise<PolledBroadcasts> {
  const key = signageChannelKey(channel);
  const [history, retained] = await Promise.all([fanout.history(key, from), fanout.retained(key)]);
  const messages = history.messages;
  if (retained && retained.epoch === history.epoch && !messages.some((m) => m.seq === retained.seq)) messages.unshift(retained);
  return { epoch: history.epoch, reset: history.reset, messages: messages.map((m) => broadcasts.broadcastOf(m)) };
}

/** A display asks the operators watching `channel` to publish its current content again. Never stored. */
export function requestSync(fanout: Fanout, channel: string, from: { id: string; name: string }): void {
  const request: SyncRequest = { channel, from: from.id, name: from.name };
  fanout.ephemeral(signageSyncKey(channel), request);
}

/** Local subscribers per signage channel (the `arena_signage_subscribers` gauge). */
export function* signageSubscribers(fanout: Fanout): IterableIterator<[string, number]> {
  for (const [key, n] of fanout.memberCounts()) {
    const channel = signageChannelOf(key);
    if (channel !== undefined) yield [channel, n];
  }
}

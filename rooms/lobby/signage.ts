import type { ChannelPosition, Fanout, FanoutMessage } from "../fanout/Fanout";
import { signageChannelKey, signageChannelOf, signageSyncKey } from "../fanout/keys";
import { Broadcast, PolledBroadcasts, Published, ServerMessageType, SyncRequest } from "../../schema/serverMessages";
import { roomMessageBytes } from "../../server/runtime/roomMessage";
import type { BroadcastSigner } from "../../server/signing";


/** The one publish path for signage, whether from HTTP or an operator in the lobby. */
export async function publishBroadcast(fanout: Fanout, channel: string, payload: unknown): Promise<Published> {
  const message = await fanout.publish(signageChannelKey(channel), payload);
  return { channel, epoch: message.epoch, seq: message.seq };
}

/**
 * Signage messages as displays receive them, signed and framed once per message
 * on this node: the fan-out hands every local subscriber the same message
 * object, so every display gets the same bytes.
 */
export class BroadcastEncoder {
  private readonly signed = new WeakMap<FanoutMessage, Broadcast>();
  private readonly framed = new WeakMap<FanoutMessage, Buffer>();

  constructor(readonly signer: BroadcastSigner) {}

  broadcastOf(message: FanoutMessage): Broadcast {
    let broadcast = this.signed.get(message);
    if (!broadcast) {
      const channel = signageChannelOf(message.key)!;
      const { epoch, seq, payload } = message;
      broadcast = { channel, epoch, seq, payload, jws: this.signer.sign({ channel, seq, payload }) };
      this.signed.set(message, broadcast);
    }
    return broadcast;
  }

  /** The `broadcast` room message, ready for the socket. */
  bytesOf(message: FanoutMessage): Buffer {
    let bytes = this.framed.get(message);
    if (!bytes) {
      bytes = roomMessageBytes(ServerMessageType.BROADCAST, this.broadcastOf(message));
      this.framed.set(message, bytes);
    }
    return bytes;
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

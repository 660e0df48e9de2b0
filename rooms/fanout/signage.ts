import type { ChannelPosition, Fanout, FanoutMessage } from "./Fanout";
import { signageChannelKey, signageChannelOf, signageSyncKey } from "./keys";
import type { Broadcast, PolledBroadcasts, Published, SyncRequest } from "../../schema/serverMessages";
import type { BroadcastSigner } from "../../server/signing";


/** The one publish path for signage, whether from HTTP or an operator in the lobby. */
export async function publishBroadcast(fanout: Fanout, channel: string, payload: unknown): Promise<Published> {
  const message = await fanout.publish(signageChannelKey(channel), payload);
  return { channel, epoch: message.epoch, seq: message.seq };
}

const signed = new WeakMap<FanoutMessage, Broadcast>();

/**
 * A stored signage message as displays receive it, signed once per message
 * object: every display on this node is handed the same one.
 */
export function broadcastOf(message: FanoutMessage, signer: BroadcastSigner): Broadcast {
  let broadcast = signed.get(message);
  if (!broadcast) {
    const channel = signageChannelOf(message.key)!;
    const { epoch, seq, payload } = message;
    broadcast = { channel, epoch, seq, payload, jws: signer.sign({ channel, seq, payload }) };
    signed.set(message, broadcast);
  }
  return broadcast;
}

/** The retained message and every later one still in the backlog after `from` (the polling fallback). */
export async function broadcastsAfter(fanout: Fanout, signer: BroadcastSigner, channel: string, from: ChannelPosition): Promise<PolledBroadcasts> {
  const key = signageChannelKey(channel);
  const [history, retained] = await Promise.all([fanout.history(key, from), fanout.retained(key)]);
  const messages = history.messages;
  if (retained && retained.epoch === history.epoch && !messages.some((m) => m.seq === retained.seq)) messages.unshift(retained);
  return { epoch: history.epoch, reset: history.reset, messages: messages.map((m) => broadcastOf(m, signer)) };
}

/** A display asks the operators watching `channel` to publish its current content again. Never stored. */
export function requestSync(fanout: Fanout, channel: string, from: { id: string; name: string }): void {
  const request: SyncRequest = { channel, from: from.id, name: from.name };
  fanout.ephemeral(signageSyncKey(channel), request);
}

import type { Fanout } from "./Fanout";
import { signageChannelKey, signageSyncKey } from "./keys";
import { broadcastSigner } from "../../server/signing";

/** A signage message as displays receive it: `jws` signs `{channel, seq, payload}`. */
export interface Broadcast {
  channel: string;
  seq: number;
  payload: unknown;
  jws: string;
}

/** The one publish path for signage, whether from HTTP or an operator in the lobby. */
export async function publishBroadcast(fanout: Fanout, channel: string, payload: unknown): Promise<Broadcast> {
  const signer = await broadcastSigner();
  const message = await fanout.publish<Broadcast>(signageChannelKey(channel), async (seq) => ({
    channel, seq, payload, jws: await signer.sign({ channel, seq, payload }),
  }));
  return message.payload;
}

/** The retained message and every later one still in the backlog after `after` (the polling fallback). */
export async function broadcastsAfter(fanout: Fanout, channel: string, after: number): Promise<Broadcast[]> {
  const key = signageChannelKey(channel);
  const [history, retained] = await Promise.all([fanout.history(key, after), fanout.retained(key)]);
  const messages = history.messages.map((m) => m.payload as Broadcast);
  if (retained && !messages.some((m) => m.seq === retained.seq)) messages.unshift(retained.payload as Broadcast);
  return messages;
}

/** A display asks the operators watching `channel` to publish its current content again. Never stored. */
export function requestSync(fanout: Fanout, channel: string, from: { id: string; name: string }): void {
  fanout.ephemeral(signageSyncKey(channel), { channel, from: from.id, name: from.name });
}

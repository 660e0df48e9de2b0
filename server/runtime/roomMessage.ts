import { getMessageBytes, Protocol } from "@colyseus/core";

/**
 * A room message (`type` and msgpack `message`) as Colyseus puts it on the
 * wire, encoded once so that the same bytes can go to many clients
 * (`client.enqueueRaw`).
 */
export function roomMessageBytes(type: string, message: unknown): Buffer {
  return getMessageBytes.raw(Protocol.ROOM_DATA, type, message);
}

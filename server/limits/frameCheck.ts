import { isUtf8 } from "node:buffer";
import { Protocol } from "@colyseus/core";

/** Frame kinds a client may send; Colyseus silently ignores any other first byte, which would make garbage free. */
const CLIENT_FRAMES = new Set<number>([Protocol.ROOM_DATA, Protocol.ROOM_DATA_BYTES, Protocol.JOIN_ROOM, Protocol.LEAVE_ROOM]);

/**
 * A cheap structural check of a client frame before Colyseus decodes it: a
 * known frame kind, and for room messages a type name that is in bounds and
 * valid UTF-8 (@colyseus/schema's decoder writes to the console for every bad
 * byte, which would let any client flood the server's logs). Mirrors the
 * msgpack string header @colyseus/schema 3 reads (little-endian lengths).
 */
export function isWellFormedFrame(frame: Buffer): boolean {
  const kind = frame[0];
  if (!CLIENT_FRAMES.has(kind)) return false;
  if (kind !== Protocol.ROOM_DATA && kind !== Protocol.ROOM_DATA_BYTES) return true;
  const prefix = frame[1];
  let start: number;
  let length: number;
  if (prefix > 0xa0 && prefix < 0xc0) [start, length] = [2, prefix & 0x1f];
  else if (prefix === 0xd9) [start, length] = [3, frame[2]];
  else if (prefix === 0xda) [start, length] = [4, frame[2] | (frame[3] << 8)];
  else if (prefix === 0xdb) [start, length] = [6, (frame[2] | (frame[3] << 8) | (frame[4] << 16) | (frame[5] << 24)) >>> 0];
  else return true; // a numeric type: decoded without side effects
  return start + length <= frame.length && isUtf8(frame.subarray(start, start + length));
}

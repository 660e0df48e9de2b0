import { isUtf8 } from "node:buffer";
import { Protocol } from "@colyseus/core";

// Read once: @colyseus/core's exports are getters, and this runs on every client frame.
const { ROOM_DATA, ROOM_DATA_BYTES, JOIN_ROOM, LEAVE_ROOM } = Protocol;

/**
 * A cheap structural check of a client frame before Colyseus decodes it: a
 * known frame kind (Colyseus silently ignores any other first byte, which would
 * make garbage free), and for room messages a type name that is in bounds and
 * valid UTF-8 (@colyseus/schema's decoder writes to the console for every bad
 * byte, which would let any client flood the server's logs). Mirrors the
 * msgpack string header @colyseus/schema 3 reads (little-endian lengths).
 */
export function isWellFormedFrame(frame: Buffer): boolean {
  const kind = frame[0];
  if (kind === JOIN_ROOM || kind === LEAVE_ROOM) return true;
  if (kind !== ROOM_DATA && kind !== ROOM_DATA_BYTES) return false;
  const prefix = frame[1];
  let start: number;
  let length: number;
  if (prefix > 0xa0 && prefix < 0xc0) [start, length] = [2, prefix & 0x1f];
  else if (prefix === 0xd9) [start, length] = [3, frame[2]];
  else if (prefix === 0xda) [start, length] = [4, frame[2] | (frame[3] << 8)];
  else if (prefix === 0xdb) [start, length] = [6, (frame[2] | (frame[3] << 8) | (frame[4] << 16) | (frame[5] << 24)) >>> 0];
  else return true; // a numeric type: decoded without side effects
  const end = start + length;
  if (end > frame.length) return false;
  // Type names are ASCII in practice: only a name with a high byte needs the full UTF-8 check.
  for (let i = start; i < end; i++) if (frame[i] > 0x7f) return isUtf8(frame.subarray(start, end));
  return true;
}

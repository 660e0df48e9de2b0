import type { Socket } from "node:net";
import type WebSocket from "ws";

const WS_OPEN = 1;
/** FIN set, opcode 2 (binary): RFC 6455 section 5.2. */
const FIN_BINARY = 0x82;

/**
 * A whole server-to-client WebSocket binary frame (unmasked, as servers send)
 * holding its own copy of `payload`.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerBytes = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = FIN_BINARY;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(payload, headerBytes);
  return frame;
}

/** The parts of a `ws` WebSocket (8.x) this module relies on; checked on every use. */
interface WsInternals {
  _sender?: { _socket?: Socket; _queue?: unknown[]; _state?: number } | null;
}

/**
 * Writes a frame made by `binaryFrame` straight to the WebSocket's socket, as
 * one write: ws's `send` would build a header and cork, write and uncork the
 * socket for two buffers, per client, for the same bytes. Only while ws's
 * sender has nothing queued (it queues only while compressing, which Arena's
 * transport never does, or while reading a Blob), so frames keep their order;
 * otherwise the frame's payload goes through `ws.send`. Nothing is written to a socket
 * that is not open, as with `ws.send` through Colyseus.
 */
export function writeFrame(ws: WebSocket, frame: Buffer, payloadBytes: number): void {
  if (ws.readyState !== WS_OPEN) return;
  const sender = (ws as unknown as WsInternals)._sender;
  const socket = sender?._socket;
  if (socket && sender._queue?.length === 0 && sender._state === 0) socket.write(frame);
  else ws.send(frame.subarray(frame.length - payloadBytes), { binary: true });
}

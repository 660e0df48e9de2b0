import { Client, Protocol } from "@colyseus/core";
import type WebSocket from "ws";
import { bytesSent } from "../metrics";
import { binaryFrame, writeFrame } from "./wsFrame";

// Read once: @colyseus/core's exports are getters, and these are read on every send.
const { ROOM_STATE, ROOM_STATE_PATCH, ROOM_DATA } = Protocol;

type Raw = Client["raw"];

/** The last encoded state framed: Colyseus hands the same encoded patch to every client that shares it. */
let lastEncoded: Uint8Array | undefined;
let lastFrame: Buffer | undefined;

/**
 * The WebSocket frame of an encoded state (a patch, or the full state on join),
 * built once per encoding. It is also a copy: Colyseus encodes into buffers it
 * reuses, so bytes a stalled client's socket still holds would otherwise change
 * under it when the next tick is encoded (test/rooms/stalledClient.test.ts).
 */
function stateFrame(encoded: Uint8Array): Buffer {
  if (encoded !== lastEncoded || lastFrame === undefined) {
    lastEncoded = encoded;
    lastFrame = binaryFrame(encoded);
  }
  return lastFrame;
}

const countingRaws = new Map<string, Raw>();

/**
 * The `raw` every client of a room type sends through: counts the bytes by kind;
 * encoded state (patches, the full state) goes out as one framed copy written
 * to the socket (server/wsFrame.ts), everything else through the transport's
 * own `raw`. One function per room type, shared by its clients: a closure per
 * client over a bound `raw` made every send an uninlinable call (it showed in
 * the benchmark's CPU profile).
 */
export function countingRaw(roomType: string, transportRaw: Raw): Raw {
  let counting = countingRaws.get(roomType);
  if (!counting) {
    const patches = bytesSent.tally(roomType, "patch");
    const messages = bytesSent.tally(roomType, "message");
    const protocol = bytesSent.tally(roomType, "protocol");
    counting = function (this: Client, data, options, cb) {
      const kind = data[0];
      (kind === ROOM_STATE_PATCH ? patches : kind === ROOM_DATA ? messages : protocol).value += data.byteLength;
      if (cb === undefined && (kind === ROOM_STATE_PATCH || kind === ROOM_STATE)) writeFrame(this.ref as WebSocket, stateFrame(data), data.byteLength);
      else transportRaw.call(this, data, options, cb);
    };
    countingRaws.set(roomType, counting);
  }
  return counting;
}

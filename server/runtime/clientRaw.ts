import { Client, Protocol } from "@colyseus/core";
import type WebSocket from "ws";
import type { HotCounter } from "../metrics";
import { binaryFrame, writeFrame } from "./wsFrame";

// Read once: @colyseus/core's exports are getters, and these are read on every send.
const { ROOM_STATE, ROOM_STATE_PATCH, ROOM_DATA } = Protocol;

type Raw = Client["raw"];

/**
 * The `raw` every client of a room type sends through: counts the bytes by kind;
 * encoded state (patches, the full state) goes out as one framed copy written
 * to the socket (server/runtime/wsFrame.ts), everything else through the
 * transport's own `raw`. One function per room type, shared by its clients: a
 * closure per client over a bound `raw` made every send an uninlinable call (it
 * showed in the benchmark's CPU profile). One set per server.
 */
export class CountingRaws {
  private readonly byRoomType = new Map<string, Raw>();
  /** The last encoded state framed: Colyseus hands the same encoded patch to every client that shares it. */
  private lastEncoded: Uint8Array | undefined;
  private lastFrame: Buffer | undefined;

  constructor(private readonly bytesSent: HotCounter) {}

  for(roomType: string, transportRaw: Raw): Raw {
    let counting = this.byRoomType.get(roomType);
    if (!counting) {
      const patches = this.bytesSent.tally(roomType, "patch");
      const messages = this.bytesSent.tally(roomType, "message");
      const protocol = this.bytesSent.tally(roomType, "protocol");
      const frames = this;
      counting = function (this: Client, data, options, cb) {
        const kind = data[0];
        (kind === ROOM_STATE_PATCH ? patches : kind === ROOM_DATA ? messages : protocol).value += data.byteLength;
        if (cb === undefined && (kind === ROOM_STATE_PATCH || kind === ROOM_STATE)) writeFrame(this.ref as WebSocket, frames.stateFrame(data), data.byteLength);
        else transportRaw.call(this, data, options, cb);
      };
      this.byRoomType.set(roomType, counting);
    }
    return counting;
  }

  /**
   * The WebSocket frame of an encoded state (a patch, or the full state on join),
   * built once per encoding. It is also a copy: Colyseus encodes into buffers it
   * reuses, so bytes a stalled client's socket still holds would otherwise change
   * under it when the next tick is encoded (test/rooms/stalledClient.test.ts).
   */
  private stateFrame(encoded: Uint8Array): Buffer {
    if (encoded !== this.lastEncoded || this.lastFrame === undefined) {
      this.lastEncoded = encoded;
      this.lastFrame = binaryFrame(encoded);
    }
    return this.lastFrame;
  }
}

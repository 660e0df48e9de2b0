import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { binaryFrame, writeFrame } from "../../server/runtime/wsFrame";

type Pair = { ws: WebSocket; client: WebSocket; received: Buffer[] };

/** Runs `use` with a ws server on an ephemeral loopback port and one client of it, both open; closes both after. */
async function withPair(perMessageDeflate: boolean, use: (pair: Pair) => Promise<void>): Promise<void> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: perMessageDeflate && { threshold: 0 } });
  await new Promise((r) => server.once("listening", r));
  const serverSide = new Promise<WebSocket>((r) => server.once("connection", r));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate });
  const received: Buffer[] = [];
  client.on("message", (data: Buffer, isBinary) => {
    assert.ok(isBinary, "a frame arrived as text");
    received.push(data);
  });
  try {
    await new Promise((r) => client.once("open", r));
    await use({ ws: await serverSide, client, received });
  } finally {
    client.terminate();
    server.close();
  }
}

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("server/runtime/wsFrame: encoded state written as whole frames", () => {
  it("a ws client receives each payload byte for byte, at every length encoding (7-bit, 16-bit, 64-bit)", async () => {
    await withPair(false, async (pair) => {
      const payloads = [1, 125, 126, 65535, 65536, 70000].map((n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + n) % 256)));
      for (const p of payloads) writeFrame(pair.ws, binaryFrame(p), p.byteLength);
      await until(() => pair.received.length === payloads.length);
      assert.deepEqual(pair.received.map((b) => b.byteLength), payloads.map((p) => p.byteLength));
      pair.received.forEach((b, i) => assert.ok(b.equals(payloads[i]), `payload ${i} differs`));
    });
  });

  it("a frame holds its own copy: changing the encoder's buffer afterwards changes nothing received", async () => {
    await withPair(false, async (pair) => {
      const shared = Buffer.from("patch one");
      const frame = binaryFrame(shared);
      shared.write("PATCH TWO");
      writeFrame(pair.ws, frame, shared.byteLength);
      await until(() => pair.received.length === 1);
      assert.equal(pair.received[0].toString(), "patch one");
    });
  });

  it("keeps the order of messages when ws's sender is busy compressing one: the frame waits its turn", async () => {
    await withPair(true, async (pair) => {
      const big = Buffer.alloc(256 * 1024, "a");
      pair.ws.send(big, { binary: true });
      const small = Buffer.from("after the big one");
      writeFrame(pair.ws, binaryFrame(small), small.byteLength);
      await until(() => pair.received.length === 2);
      assert.equal(pair.received[0].byteLength, big.byteLength);
      assert.equal(pair.received[1].toString(), "after the big one");
    });
  });

  it("writes nothing to a WebSocket that is closing, and does not throw", async () => {
    await withPair(false, async (pair) => {
      pair.ws.close();
      const socket = (pair.ws as unknown as { _socket: import("node:net").Socket })._socket;
      const handedToSocket = () => socket.bytesWritten + socket.writableLength;
      const before = handedToSocket();
      const p = Buffer.from("too late");
      assert.doesNotThrow(() => writeFrame(pair.ws, binaryFrame(p), p.byteLength));
      assert.equal(handedToSocket(), before);
    });
  });
});

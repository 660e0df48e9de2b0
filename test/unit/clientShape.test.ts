import assert from "node:assert/strict";
import type { Client } from "@colyseus/core";
import { WebSocketClient } from "@colyseus/ws-transport";
import { adoptJoiningClient } from "../../server/runtime/clientShape";

/** A transport client as the WebSocket transport makes it for a join, with a message queued before the join ack. */
function joiningClient() {
  const socket = { readyState: 1 };
  const client = new WebSocketClient("session-1", socket as never) as unknown as Client & { _enqueuedMessages?: unknown[] };
  client._enqueuedMessages!.push(new Uint8Array([1, 2, 3]));
  return { client, socket };
}

describe("a joining client's own properties (server/runtime/clientShape.ts)", () => {
  it("keeps its session, socket, state and the messages queued before its join ack, and sends through its room type's raw", () => {
    const { client, socket } = joiningClient();
    const raw: Client["raw"] = () => {};
    adoptJoiningClient(client, raw);
    assert.equal(client.sessionId, "session-1");
    assert.equal(client.id, "session-1");
    assert.equal(client.ref, socket);
    assert.equal(client.state, 0);
    assert.deepEqual(client._enqueuedMessages, [new Uint8Array([1, 2, 3])]);
    assert.equal(client.raw, raw);
    // What Colyseus reads by truthiness before it sets them reads as absent.
    assert.equal(client.auth, undefined);
    assert.equal(client.view, undefined);
  });

  it("leaves a client without a join queue (a transport that keeps none) with only its raw changed", () => {
    const client = { sessionId: "s", state: 1 } as unknown as Client;
    const raw: Client["raw"] = () => {};
    adoptJoiningClient(client, raw);
    assert.deepEqual(Object.keys(client), ["sessionId", "state", "raw"]);
  });
});

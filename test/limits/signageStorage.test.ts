import assert from "node:assert/strict";
import { ErrorCode } from "../../schema/codes";
import type { PolledBroadcasts } from "../../schema/serverMessages";
import { arenaForSuite, testToken, waitFor } from "../helpers";

const MAX_CHANNELS = 5;

/**
 * Signage storage is bounded: an operator token spamming channels opens at most
 * ARENA_SIGNAGE_MAX_CHANNELS of them, and a channel idle for
 * ARENA_SIGNAGE_IDLE_SECONDS is forgotten, which frees its place.
 */
describe("signage storage bounds", () => {
  const arena = arenaForSuite(2886, {
    ARENA_SIGNAGE_MAX_CHANNELS: String(MAX_CHANNELS),
    ARENA_SIGNAGE_IDLE_SECONDS: "1",
    ARENA_PUBLISH_REQUESTS_PER_MINUTE: "1000",
  });
  let operator: string;
  before(async () => (operator = await testToken({ name: "ops", role: "operator" })));

  const publish = (channel: string, payload: unknown) =>
    fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${operator}` },
      body: JSON.stringify({ payload }),
    });
  const poll = async (channel: string) =>
    (await (await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages?after=0`, { headers: { Authorization: `Bearer ${operator}` } })).json()) as PolledBroadcasts;

  it(`opens at most ${MAX_CHANNELS} channels; more are refused with too_many_channels while the open ones take publishes`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await publish(`spam-${i}`, { slide: "x".repeat(1000) });
      statuses.push(res.status);
      if (res.status === 403) assert.equal(((await res.json()) as { error: { code: string } }).error.code, ErrorCode.TOO_MANY_CHANNELS);
    }
    assert.deepEqual(statuses, [...Array(MAX_CHANNELS).fill(201), ...Array(20 - MAX_CHANNELS).fill(403)]);
    assert.equal((await publish("spam-0", "again")).status, 201, "an open channel still takes publishes");
  });

  it("forgets a channel idle past ARENA_SIGNAGE_IDLE_SECONDS, backlog and retained message, and frees its place", async () => {
    await waitFor("an idle channel forgotten, making room for a new one", async () => (await publish("fresh", "hello")).status === 201, 5000);
    await waitFor("every spam channel forgotten", async () => (await poll("spam-1")).messages.length === 0 && (await poll("spam-0")).messages.length === 0, 5000);
    assert.deepEqual((await poll("fresh")).messages.map((m) => m.payload), ["hello"]);
  });
});

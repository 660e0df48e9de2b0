import assert from "node:assert/strict";
import { ErrorCode } from "../../schema/codes";
import type { PolledBroadcasts } from "../../schema/serverMessages";
import { arenaForSuite, testToken, waitFor } from "../helpers";

/** Holds this process's event loop, the in-process server's too: its timers fire that much late. */
function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * A node past its core sheds HTTP publishes (ARENA_SHED_LAG_MS): while its event
 * loop runs late they are refused with 503 overloaded and Retry-After, nothing
 * numbered; once it has caught up they are taken again.
 */
describe("load shedding of HTTP publishes", () => {
  const arena = arenaForSuite(2777, { ARENA_SHED_LAG_MS: "50", ARENA_PUBLISH_REQUESTS_PER_MINUTE: "10000" });
  let operator: string;
  let service: string;
  before(async () => {
    operator = await testToken({ name: "ops", role: "operator" });
    service = await testToken({ name: "backend", role: "service" });
  });

  const post = (path: string, token: string, payload: unknown) =>
    fetch(`${arena.server.httpUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ payload }),
    });
  const refusedAsOverloaded = async (res: Response) => {
    if (res.status !== 503) return false;
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, ErrorCode.OVERLOADED);
    return true;
  };

  it("refuses signage and user publishes with 503 overloaded while the node runs late, numbers none of them, and takes publishes again once it has caught up", async () => {
    const channel = `shed-${Date.now()}`;
    const taken: string[] = [];
    const refused: string[] = [];
    let n = 0;
    await waitFor("a signage publish and a user push refused as overloaded", async () => {
      holdEventLoop(150);
      const payload = `p${n++}`;
      const [signage, user] = await Promise.all([post(`/api/channels/${channel}/messages`, operator, payload), post("/api/users/someone/messages", service, payload)]);
      if (signage.status === 201) taken.push(payload);
      const bothRefused = (await refusedAsOverloaded(signage)) && (await refusedAsOverloaded(user));
      if (signage.status === 503) refused.push(payload);
      return bothRefused;
    }, 20_000);

    await waitFor("a publish taken once the node has caught up", async () => {
      const res = await post(`/api/channels/${channel}/messages`, operator, "calm");
      if (res.status === 201) return true;
      assert.ok(await refusedAsOverloaded(res), `status ${res.status}`);
      return false;
    }, 5000);
    const polled = (await (await fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages?after=0`, { headers: { Authorization: `Bearer ${operator}` } })).json()) as PolledBroadcasts;
    assert.deepEqual(polled.messages.map((m) => m.payload), [...taken, "calm"], "what was taken, in order; nothing refused");
    assert.ok(refused.length > 0);
  });
});

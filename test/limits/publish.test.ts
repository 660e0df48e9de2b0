import assert from "node:assert/strict";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, testToken } from "../helpers";

describe("publish limits", () => {
  const arena = arenaForSuite(2577, { ARENA_PUBLISH_REQUESTS_PER_MINUTE: "5" });
  let operatorToken: string;
  before(async () => {
    operatorToken = await testToken({ name: "ops", role: "operator" });
  });

  const post = (channel: string, body: string) =>
    fetch(`${arena.server.httpUrl}/api/channels/${channel}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${operatorToken}` },
      body,
    });
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it("answers oversize (413), malformed (400) and too frequent (429) publishes with their codes", async () => {
    const big = await post("program-1", JSON.stringify({ payload: "x".repeat(20_000) }));
    assert.equal(big.status, 413);
    assert.equal(await code(big), ErrorCode.PAYLOAD_TOO_LARGE);
    const noPayload = await post("program-1", JSON.stringify({ text: "no payload field" }));
    assert.equal(noPayload.status, 400);
    assert.equal(await code(noPayload), ErrorCode.INVALID_REQUEST);
    const badName = await post("Bad%20Name", JSON.stringify({ payload: 1 }));
    assert.equal(badName.status, 400);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post("program-1", JSON.stringify({ payload: i }))).status);
    // 5 a minute: the three refused above counted too (the limit comes before the body is read).
    assert.deepEqual(statuses, [201, 201, 429, 429, 429]);
    const limited = await post("program-1", JSON.stringify({ payload: "again" }));
    assert.equal(await code(limited), ErrorCode.RATE_LIMITED);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
  });
});

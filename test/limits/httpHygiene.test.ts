import assert from "node:assert/strict";
import http from "node:http";
import { deflateRawSync } from "node:zlib";
import { ErrorCode } from "../../schema/codes";
import { arenaForSuite, joinMatch, spyOnLogger, testToken } from "../helpers";

const MAX_BODY = 16 * 1024;
const AUTH_PER_MINUTE = 20;

/**
 * What a client sends that the HTTP layer must refuse cheaply: bodies it cannot
 * read (4xx, a warning without a stack, never a 500 and an error line), bodies
 * too large (413 before they are read whole), floods (the rate limit before
 * any parsing), and bad join options.
 */
describe("HTTP hygiene under bad input", () => {
  const arena = arenaForSuite(2882, {
    ARENA_MAX_HTTP_BODY_BYTES: String(MAX_BODY),
    ARENA_AUTH_REQUESTS_PER_MINUTE: String(AUTH_PER_MINUTE),
    ARENA_PUBLISH_REQUESTS_PER_MINUTE: "1000",
    ARENA_GUEST_AUTH: "true",
  });

  it("answers compressed or garbage-encoded bodies with 415 unsupported_encoding, no error logged", async () => {
    const operator = await testToken({ name: "ops", role: "operator" });
    const logged = spyOnLogger();
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        for (const body of [Buffer.from("\x78\x9cgarbage"), deflateRawSync(JSON.stringify({ payload: { slide: i } }))]) {
          const res = await fetch(`${arena.server.httpUrl}/api/channels/deflate-${process.pid}/messages`, {
            method: "POST",
            headers: { "Content-Type": "application/json", "Content-Encoding": "deflate", Authorization: `Bearer ${operator}` },
            body,
          });
          statuses.push(res.status);
          if (res.status === 415) assert.equal(((await res.json()) as { error: { code: string } }).error.code, ErrorCode.UNSUPPORTED_ENCODING);
        }
      }
    } finally {
      logged.restore();
    }
    assert.deepEqual([...new Set(statuses)], [415]);
    assert.deepEqual(logged.error, [], "bad client input is not an error of the server");
    assert.ok(!JSON.stringify(logged.warn).includes("    at "), "no stack trace");
  });

  it("refuses a chunked body over ARENA_MAX_HTTP_BODY_BYTES with 413 and closes the connection without reading the rest", async () => {
    const { status, sentBytes } = await streamBody(`${arena.server.httpUrl}/api/auth/guest`, 50 * 2 ** 20);
    assert.equal(status, 413);
    assert.ok(sentBytes < 8 * 2 ** 20, `the server read ${sentBytes} bytes of a 50 MB body before refusing it`);
  });

  it(`counts requests against the rate limit before parsing their body: unreadable bodies past ${AUTH_PER_MINUTE} a minute get 429`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_PER_MINUTE + 5; i++) {
      const res = await fetch(`${arena.server.httpUrl}/api/auth/guest`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{not json" });
      statuses.push(res.status);
    }
    assert.ok(statuses.slice(0, AUTH_PER_MINUTE - 5).every((s) => s === 400), statuses.join(","));
    assert.equal(statuses.at(-1), 429);
  });

  it("refuses bad join options with a warning at most, never an error line", async () => {
    const logged = spyOnLogger();
    try {
      await assert.rejects(joinMatch(arena.server, "player", { team: "green" }), /invalid join options: team/);
    } finally {
      logged.restore();
    }
    assert.deepEqual(logged.error, []);
    assert.ok(!JSON.stringify(logged.warn).includes("    at "), "no stack trace");
  });
});

/** POSTs `totalBytes` of JSON-ish body in chunks, as fast as the server takes them; resolves with the answer and what was written. */
function streamBody(url: string, totalBytes: number): Promise<{ status: number; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sentBytes = 0;
    let status = 0;
    let finished = false;
    const req = http.request(url, { method: "POST", headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } });
    const settle = () => {
      if (finished) return;
      finished = true;
      resolve({ status, sentBytes });
    };
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on("end", settle);
    });
    req.on("error", () => (status ? settle() : reject(new Error("connection failed before an answer"))));
    req.on("close", () => status && settle());
    const pump = () => {
      while (!finished && !req.destroyed && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (sentBytes >= totalBytes) req.end();
    };
    pump();
  });
}

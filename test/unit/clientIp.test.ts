import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { clientIp } from "../../server/limits/clientIp";

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as unknown as IncomingMessage;

describe("client address for limits", () => {
  it("ignores X-Forwarded-For unless a proxy is trusted: anyone can send it", () => {
    assert.equal(clientIp(request("203.0.113.7", "1.2.3.4"), false), "203.0.113.7");
  });

  it("behind a trusted proxy takes the entry the proxy appended, not the client's forged ones", () => {
    assert.equal(clientIp(request("10.0.0.2", "1.2.3.4, 198.51.100.9"), true), "198.51.100.9");
    assert.equal(clientIp(request("10.0.0.2"), true), "10.0.0.2");
  });

  it("counts an IPv4 client of a dual-stack socket once", () => {
    assert.equal(clientIp(request("::ffff:127.0.0.1"), false), "127.0.0.1");
  });

  it("counts IPv6 clients by their /64: every address of one subscriber's block is one key", () => {
    const a = clientIp(request("2001:db8:1:2::1"), false);
    assert.equal(a, "2001:db8:1:2::/64");
    assert.equal(clientIp(request("2001:db8:1:2:ffff:eeee:dddd:cccc"), false), a);
    assert.notEqual(clientIp(request("2001:db8:1:3::1"), false), a);
    assert.equal(clientIp(request("::1"), false), "0:0:0:0::/64");
  });
});

import assert from "node:assert/strict";
import { ChannelPositions } from "../../client/channelPositions";
import { tokenClaims } from "../../client/tokenClaims";

describe("SDK channel positions (client/channelPositions.ts)", () => {
  it("takes each seq once per epoch, starts again in a new epoch or after a reset, and reports a channel alone", () => {
    const positions = new ChannelPositions();
    const m = (channel: string, epoch: string, seq: number) => ({ channel, epoch, seq });
    const taken = [m("all", "e1", 1), m("all", "e1", 2), m("all", "e1", 2), m("all", "e1", 1), m("user-a", "e1", 1), m("all", "e2", 1)]
      .map((message) => positions.accept(message));
    assert.deepEqual(taken, [true, true, false, false, true, true], "replays dropped; another epoch counts again");
    positions.restart("user-a", "e3");
    assert.equal(positions.accept(m("user-a", "e3", 1)), true, "a reset starts the count from the epoch's start");
    assert.deepEqual(positions.of("user-a"), { channels: { "user-a": 1 }, epochs: { "user-a": "e3" } });
    positions.forgetAllBut("user-a");
    assert.deepEqual([positions.lastSeen, positions.epochs], [{ "user-a": 1 }, { "user-a": "e3" }]);
    positions.set("user-b", 0, undefined);
    assert.deepEqual(positions.of("user-b"), { channels: { "user-b": 0 }, epochs: {} }, "nothing numbered yet: seq 0, no epoch");
    assert.equal(positions.of("team-red"), undefined);
  });

  it("reads a token's claims without verifying it, and nothing from what is not a JWT", () => {
    const payload = Buffer.from(JSON.stringify({ sub: "player-1", name: "Rosa", exp: 99 })).toString("base64url");
    assert.deepEqual(tokenClaims(`h.${payload}.s`), { sub: "player-1", name: "Rosa", exp: 99 });
    assert.deepEqual(tokenClaims("not a token"), {});
  });
});

import assert from "node:assert/strict";
import type { Metadata } from "@colyseus/schema";
import { copyPublicState, MATCH_FIELDS, PUBLIC_PLAYER_FIELDS } from "../../rooms/matchStateCopy";
import { MatchState, PlayerState, setTick } from "../../schema/MatchState";

/** A schema class's fields as declared: name and view tag (undefined for a field everyone receives). */
function declaredFields(klass: typeof PlayerState | typeof MatchState): { name: string; tag?: number }[] {
  const metadata = (klass as unknown as { [Symbol.metadata]: Metadata })[Symbol.metadata];
  const fields: { name: string; tag?: number }[] = [];
  for (let i = 0; metadata[i]; i++) fields.push(metadata[i]);
  return fields;
}

describe("public state (rooms/matchStateCopy.ts): what spectators are shown", () => {
  it("lists every field of the state but `players`, and every player field but the private ones and the ack's", () => {
    assert.deepEqual(declaredFields(MatchState).map((f) => f.name).filter((n) => n !== "players").sort(), [...MATCH_FIELDS].sort());
    const publicOnes = declaredFields(PlayerState).filter((f) => f.tag === undefined && f.name !== "ackBase" && f.name !== "ackOffset").map((f) => f.name);
    assert.deepEqual(publicOnes.sort(), [...PUBLIC_PLAYER_FIELDS].sort());
  });

  it("copies the public fields, never a private one or the ack's, and drops players who left", () => {
    const match = new MatchState();
    Object.assign(match, { phase: "live", redScore: 3, blueScore: 1, timeLeft: 42, winner: "" });
    setTick(match, 900);
    const rosa = Object.assign(new PlayerState(), { name: "Rosa", team: "red", x: 1200, y: 800, angle: 64, hp: 75, connected: false, kills: 2, deaths: 1 });
    Object.assign(rosa, { ackBase: 870, ackOffset: 33, ammo: 4, reloadDoneTick: 950, queued: 2 });
    match.players.set("rosa", rosa);
    const spectated = new MatchState();
    spectated.players.set("gone", new PlayerState());
    copyPublicState(match, spectated);
    assert.deepEqual([...spectated.players.keys()], ["rosa"]);
    for (const field of MATCH_FIELDS) assert.equal(spectated[field], match[field], field);
    const copy = spectated.players.get("rosa")!;
    for (const field of PUBLIC_PLAYER_FIELDS) assert.equal(copy[field], rosa[field], field);
    assert.deepEqual([copy.ackBase, copy.ackOffset, copy.ammo, copy.reloadDoneTick, copy.queued], [0, 0, 0, 0, 0]);
  });
});

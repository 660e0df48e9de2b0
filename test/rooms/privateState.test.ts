import assert from "node:assert/strict";
import type { Room } from "colyseus.js";
import { COMBAT } from "../../rooms/match/rules";
import { ackOf, MatchState, tickOf } from "../../schema/MatchState";
import { arenaForSuite, joinLiveMatch, waitFor } from "../helpers";

/**
 * Private fields while a round is played: most ticks change no filtered field
 * and go out as one shared patch (server/runtime/sharedPatch.ts), the others per
 * client; teammates must follow every change and enemies see none.
 */
describe("team-private and player-private state during play", () => {
  const arena = arenaForSuite(2576, { ARENA_COUNTDOWN_SECONDS: "0.2" });

  it("a shooter's ammo and reload deadline reach it and its teammate on every change, never the enemy, while shared fields reach everyone", async () => {
    const [shooter, mate, enemy] = await joinLiveMatch(arena.server, [["Shooter", "red"], ["Mate", "red"], ["Enemy", "blue"]]);

    const id = shooter.sessionId;
    const seen = (c: Room<MatchState>) => c.state.players.get(id)!;
    const mateAmmo = [seen(mate).ammo];
    // Each reload deadline the teammate decoded, and the ticks of the patches just before and at the refill
    // (a late wake runs several steps, so the refill's patch may carry a tick past the deadline).
    const mateDeadlines = new Set<number>();
    let refill = { before: 0, at: 0 };
    let lastTick = tickOf(mate.state);
    mate.onStateChange(() => {
      const p = seen(mate);
      if (p.reloadDoneTick) mateDeadlines.add(p.reloadDoneTick);
      if (mateAmmo.at(-1) !== p.ammo) {
        if (p.ammo === COMBAT.magazine && mateAmmo.length > 1) refill = { before: lastTick, at: tickOf(mate.state) };
        mateAmmo.push(p.ammo);
      }
      lastTick = tickOf(mate.state);
    });
    const enemyPrivate = new Set<unknown>();
    enemy.onStateChange(() => {
      const p = seen(enemy);
      enemyPrivate.add(p.ammo).add(p.reloadDoneTick).add(p.queued);
    });

    // Fire every tick, walking, until the magazine is empty (the cooldown lets one shot through every 15 ticks).
    let seq = 0;
    while (seen(shooter).reloadDoneTick === 0) {
      assert.ok(seq < COMBAT.magazine * 30, "the magazine never emptied");
      for (let i = 0; i < 20; i++) shooter.send("input", { seq: ++seq, mx: seq % 2 ? 1 : -1, my: 0, aim: 0, fire: true });
      await waitFor("inputs applied", () => ackOf(shooter.state, seen(shooter)) === seq);
    }
    await waitFor("the teammate sees the reload", () => seen(mate).reloadDoneTick > 0);
    assert.deepEqual(mateAmmo.slice(0, COMBAT.magazine + 1), Array.from({ length: COMBAT.magazine + 1 }, (_, i) => COMBAT.magazine - i), "the teammate missed a shot");
    await waitFor("reloaded", () => seen(shooter).ammo === COMBAT.magazine && seen(shooter).reloadDoneTick === 0);
    await waitFor("the teammate sees the refill", () => seen(mate).ammo === COMBAT.magazine && seen(mate).reloadDoneTick === 0);
    assert.equal(mateDeadlines.size, 1, `the reload deadline held still through the reload: ${[...mateDeadlines]}`);
    const deadline = [...mateDeadlines][0];
    assert.ok(refill.before < deadline && deadline <= refill.at, `the magazine refilled on the deadline's tick ${deadline}: first seen full at ${refill.at}, empty at ${refill.before}`);

    assert.deepEqual([...enemyPrivate], [undefined], "the enemy decoded a private field");
    assert.equal(seen(mate).queued, undefined, "the teammate decoded a player-private field");
    assert.equal(seen(shooter).queued, 0);
    assert.equal(seen(enemy).x, seen(shooter).x, "the enemy's public view of the shooter is current");
    assert.equal(seen(mate).x, seen(shooter).x);
  });
});

import assert from "node:assert/strict";
import { ClientState, SchemaSerializer } from "@colyseus/core";
import type { StateView } from "@colyseus/schema";
import { IntentionGenerator } from "../../loadtest/bot/intentions";
import { Simulation } from "../../rooms/match/Simulation";
import { TEAM_SIZE, TICK_SECONDS } from "../../rooms/match/rules";
import { copyMatchState } from "../../rooms/matchStateCopy";
import { playerView } from "../../rooms/matchViews";
import { sendTickPatch } from "../../server/runtime/sharedPatch";
import { MatchState, PlayerState } from "../../schema/MatchState";

interface RecordingClient {
  sessionId: string;
  state: ClientState;
  view?: StateView;
  received: Buffer[];
  raw(data: Uint8Array): void;
}

/** One copy of the match's schema state, its serializer and its clients (one still joining), fed by a shared simulation. */
function replica(sim: Simulation, ids: string[]) {
  const state = new MatchState();
  const serializer = new SchemaSerializer<MatchState>();
  serializer.reset(state);
  for (const id of ids) {
    const ps = new PlayerState();
    ps.name = id;
    state.players.set(id, ps);
  }
  const clients: RecordingClient[] = ids.map((sessionId, i) => ({
    sessionId,
    // The last one has not finished joining: it gets the full state when it does, no patches before.
    state: i === ids.length - 1 ? ClientState.JOINING : ClientState.JOINED,
    received: [] as Buffer[],
    raw(data) {
      this.received.push(Buffer.from(data));
    },
  }));
  const refreshViews = () => {
    for (const c of clients) c.view = playerView(sim, state, c.sessionId);
  };
  refreshViews();
  return { state, serializer, clients, refreshViews };
}

describe("a tick's patch encoded once for all clients when no view has a part of its own (server/runtime/sharedPatch.ts)", () => {
  it("gives every client, tick by tick, the bytes Colyseus's per-client encode gives it, through private changes and a view rebuild", () => {
    const sim = new Simulation({ timings: { countdownSeconds: 0.1 } });
    const ids = Array.from({ length: TEAM_SIZE * 2 }, (_, i) => `p${i}`);
    for (const id of ids) sim.addPlayer(id, id);
    const intentions = ids.map((_, i) => new IntentionGenerator(i + 1));
    // Colyseus's own path, and Arena's: the same state changes, side by side.
    const colyseus = replica(sim, ids);
    const arena = replica(sim, ids);
    let shared = 0;
    let perClient = 0;

    for (let tick = 1; tick <= 900; tick++) {
      if (tick === 450) {
        // A player leaves: the state loses it and every view is rebuilt, as MatchRoom.removePlayer does.
        const [leaver] = ids.splice(0, 1);
        intentions.splice(0, 1);
        sim.removePlayer(leaver);
        for (const r of [colyseus, arena]) {
          r.state.players.delete(leaver);
          r.clients.splice(r.clients.findIndex((c) => c.sessionId === leaver), 1);
          r.refreshViews();
        }
      }
      ids.forEach((id, i) => sim.enqueueInput(id, { seq: tick, ...intentions[i].next() }));
      sim.step(TICK_SECONDS);
      const events = sim.drainEvents();
      copyMatchState(sim, colyseus.state, events);
      copyMatchState(sim, arena.state, events);

      colyseus.serializer.applyPatches(colyseus.clients as never);
      if (sendTickPatch(arena.state, arena.clients, () => arena.serializer.applyPatches(arena.clients as never))) shared++;
      else perClient++;
    }

    assert.ok(shared > 450, `most ticks go out shared (${shared} of 900)`);
    assert.ok(perClient > 0, "some ticks needed a per-client encode (private fields changed, views rebuilt)");
    for (const [i, c] of colyseus.clients.entries()) {
      const mine = arena.clients[i];
      assert.equal(mine.sessionId, c.sessionId);
      assert.equal(mine.received.length, c.received.length, `${c.sessionId}: patches received`);
      mine.received.forEach((bytes, t) => assert.ok(bytes.equals(c.received[t]), `${c.sessionId}: patch ${t} differs`));
    }
    const joining = arena.clients.find((c) => c.state === ClientState.JOINING)!;
    assert.equal(joining.received.length, 0, "a client still joining got a patch");
    assert.ok(arena.clients[0].received.length > 800, "the joined clients got a patch every tick");
  });
});

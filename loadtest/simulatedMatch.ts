import { ClientState, SchemaSerializer } from "@colyseus/core";
import type { StateView } from "@colyseus/schema";
import { Simulation } from "../rooms/match/Simulation";
import { TEAM_SIZE, TICK_SECONDS } from "../rooms/match/rules";
import { copyMatchState } from "../rooms/matchStateCopy";
import { playerView } from "../rooms/matchViews";
import { MatchState, PlayerState } from "../schema/MatchState";
import { IntentionGenerator } from "./bot/intentions";

/** A client as Colyseus's SchemaSerializer.applyPatches sees it: counts the bytes it is sent. */
export interface CountingClient {
  state: ClientState;
  view?: StateView;
  bytes: number;
  raw(data: Uint8Array): void;
}

/**
 * One 6v6 match without a server: the real rules moved by the bench bots'
 * intentions (one input per tick each, seeds 1-12), its MatchState copied as
 * MatchRoom copies it, and 12 clients (with the players' StateViews when
 * `views`) that Colyseus's own serializer encodes patches for. The encoding
 * micro-benchmarks run on it.
 */
export class SimulatedMatch {
  readonly sim = new Simulation({ timings: { countdownSeconds: 0.1 } });
  readonly state = new MatchState();
  readonly serializer = new SchemaSerializer<MatchState>();
  readonly ids = Array.from({ length: TEAM_SIZE * 2 }, (_, i) => `p${i}`);
  readonly clients: CountingClient[];
  private readonly intentions = this.ids.map((_, i) => new IntentionGenerator(i + 1));
  private seq = 0;

  constructor(views: boolean) {
    this.serializer.reset(this.state);
    for (const id of this.ids) {
      this.sim.addPlayer(id, id);
      const ps = new PlayerState();
      ps.name = id;
      this.state.players.set(id, ps);
    }
    this.clients = this.ids.map(() => ({ state: ClientState.JOINED, bytes: 0, raw(data) { this.bytes += data.byteLength; } }));
    if (views) this.clients.forEach((client, i) => (client.view = playerView(this.sim, this.state, this.ids[i])));
    // The join's full state is not a patch: sent, then not counted.
    this.copy();
    this.serializer.applyPatches(this.clients as never);
    for (const c of this.clients) c.bytes = 0;
  }

  /** Every player's next input queued, then one fixed step of the rules. */
  step(): void {
    this.seq++;
    this.ids.forEach((id, i) => this.sim.enqueueInput(id, { seq: this.seq, ...this.intentions[i].next() }));
    this.sim.step(TICK_SECONDS);
  }

  /** The simulation copied into the schema, with the events the step drained. */
  copy(): void {
    copyMatchState(this.sim, this.state, this.sim.drainEvents());
  }

  /** Patches for every client, as Room.broadcastPatch encodes them. */
  send(): void {
    this.serializer.applyPatches(this.clients as never);
  }

  bytesPerClient(): number {
    return this.clients.reduce((n, c) => n + c.bytes, 0) / this.clients.length;
  }
}

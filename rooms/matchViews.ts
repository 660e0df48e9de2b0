import { StateView } from "@colyseus/schema";
import type { Simulation } from "./match/Simulation";
import { MatchState, SELF_VIEW, TEAM_VIEW } from "../schema/MatchState";

/**
 * What player `id` may see of the private fields: its teammates' TEAM fields
 * (itself included) and its own SELF fields. Undefined for an id the rules do
 * not know.
 */
export function playerView(sim: Simulation, state: MatchState, id: string): StateView | undefined {
  const me = sim.players.get(id);
  if (!me) return undefined;
  const view = new StateView();
  for (const p of sim.players.values()) {
    if (p.team !== me.team) continue;
    const ps = state.players.get(p.id);
    if (ps) view.add(ps, TEAM_VIEW);
  }
  const own = state.players.get(me.id);
  if (own) view.add(own, SELF_VIEW);
  return view;
}

import type { MatchState, PlayerState } from "../../../schema/MatchState";
import { byId, clock } from "./dom";

const PHASE_LABELS: Record<string, string> = {
  waiting: "waiting for both teams",
  countdown: "starting in",
  live: "live",
  ended: "round over",
};

/** Scores, phase and timer, and the roster of both teams: the same on the play and spectate pages. */
export function renderHud(state: MatchState, ownId?: string): void {
  byId("red-score").textContent = String(state.redScore);
  byId("blue-score").textContent = String(state.blueScore);
  const phase = byId("phase");
  phase.dataset.phase = state.phase;
  phase.textContent =
    state.phase === "ended" ? (state.winner === "draw" ? "round over: draw" : `round over: ${state.winner} wins`) : (PHASE_LABELS[state.phase] ?? state.phase);
  byId("timer").textContent = state.phase === "waiting" ? "" : clock(state.timeLeft);
  for (const team of ["red", "blue"]) {
    const list = byId(`roster-${team}`);
    const players: [string, PlayerState][] = [];
    state.players.forEach((p, id) => {
      if (p.team === team) players.push([id, p]);
    });
    list.replaceChildren(
      ...players.map(([id, p]) => {
        const item = document.createElement("li");
        item.textContent = `${p.name}${id === ownId ? " (you)" : ""} · ${p.kills}/${p.deaths}${p.connected ? "" : " · offline"}${p.hp > 0 ? "" : " · down"}`;
        return item;
      }),
    );
  }
}

import { arenaClient, Spectator } from "..";
import { CloseCode } from "../../schema/codes";
import { ArenaCanvas } from "./lib/arenaCanvas";
import { byId, param, showStatus } from "./lib/dom";
import { renderHud } from "./lib/hud";
import { guestName, pageToken } from "./lib/pageToken";
import { DrawnPlayer, publishProbe } from "./lib/probe";

/** Watches `?match=ID` read-only through the `spectate` room. */
const status = byId("status");
const canvas = new ArenaCanvas(byId<HTMLCanvasElement>("arena"));
const HUD_EVERY_MS = 200;

async function main(): Promise<void> {
  const matchId = param("match");
  if (!matchId) return showStatus(status, "error", "no match given: pick one in Matches");
  byId("match-id").textContent = matchId;
  showStatus(status, "connecting");
  let spectator: Spectator;
  try {
    spectator = await Spectator.watch(arenaClient(location.origin, await pageToken("player", guestName())), matchId);
  } catch (error) {
    return showStatus(status, "error", `cannot watch: ${(error as Error).message}`);
  }
  showStatus(status, "watching");
  spectator.onEnd((code) => showStatus(status, "gone", code === CloseCode.MATCH_GONE ? "the match is over" : `disconnected (${code})`));

  let lastHud = 0;
  const draw = (now: number) => {
    const poses = spectator.frame(now);
    const drawn: DrawnPlayer[] = [];
    spectator.state.players?.forEach((p, id) => {
      const pose = poses.get(id);
      if (pose) drawn.push({ id, name: p.name, team: p.team, ...pose, hp: p.hp, connected: p.connected, self: false });
    });
    canvas.draw(drawn);
    if (now - lastHud >= HUD_EVERY_MS && spectator.state.players) {
      lastHud = now;
      renderHud(spectator.state);
    }
    publishProbe({ matchId, phase: spectator.state.phase, players: drawn, toViewport: (x, y) => canvas.toViewport(x, y) });
    requestAnimationFrame(draw);
  };
  requestAnimationFrame(draw);
}

void main();

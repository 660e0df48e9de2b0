import { arenaClient, runInputLoop, MatchSession } from "..";
import { COMBAT } from "../../rooms/match/rules";
import { rayObstacles } from "../../rooms/match/geometry";
import type { PlayerControls } from "../../schema/input";
import type { ChatDelivery, UserMessage } from "../../schema/serverMessages";
import { ArenaCanvas, Tracer } from "./lib/arenaCanvas";
import { byId, param, showStatus } from "./lib/dom";
import { renderHud } from "./lib/hud";
import { guestName, pageToken } from "./lib/pageToken";
import { DrawnPlayer, publishProbe } from "./lib/probe";

/**
 * The play page: joins a match as a guest (`?team=red|blue`, `?match=ID` from
 * the lobby, `?name=`), WASD or arrows to move, the mouse to aim, click or
 * space to fire; team chat, and messages to the player's identity (its user
 * channel, e.g. from the operator page) in the chat log. The own player is
 * predicted, the others interpolated (MatchSession.frame()).
 */
const status = byId("status");
const canvas = new ArenaCanvas(byId<HTMLCanvasElement>("arena"));
const HUD_EVERY_MS = 200;

const MOVE_KEYS: Record<string, [number, number]> = {
  KeyW: [0, -1], ArrowUp: [0, -1],
  KeyS: [0, 1], ArrowDown: [0, 1],
  KeyA: [-1, 0], ArrowLeft: [-1, 0],
  KeyD: [1, 0], ArrowRight: [1, 0],
};

async function main(): Promise<void> {
  showStatus(status, "connecting");
  const name = guestName();
  const team = param("team") === "blue" ? "blue" : param("team") === "red" ? "red" : undefined;
  const matchId = param("match");
  let session: MatchSession;
  try {
    const client = arenaClient(location.origin, await pageToken("player", name));
    session = matchId ? await MatchSession.joinById(client, matchId, { team }) : await MatchSession.join(client, { team });
  } catch (error) {
    showStatus(status, "gone", `could not join: ${(error as Error).message}`);
    return;
  }
  showStatus(status, "connected");
  const showMatch = () => {
    byId("match-id").textContent = session.matchId;
    byId<HTMLAnchorElement>("spectate-link").href = `/spectate.html?match=${encodeURIComponent(session.matchId)}`;
  };
  showMatch();
  byId("user-sub").textContent = session.user.sub;
  // A lost match is replaced by a new one.
  session.onRoom(showMatch);
  session.onStatus((s, code) => showStatus(status, s, s === "gone" && code ? `disconnected (${code})` : s));

  // --- input: keys held, mouse aim, trigger ---
  const held = new Set<string>();
  let mouse: { x: number; y: number } | undefined;
  let trigger = false;
  // A click counts once even if the button is up again before the input loop samples it (a quick click, a janky frame).
  let clicked = false;
  const typingInChat = (e: Event) => e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  addEventListener("keydown", (e) => {
    if (typingInChat(e)) return;
    if (e.code in MOVE_KEYS || e.code === "Space") {
      held.add(e.code);
      e.preventDefault();
    } else if (e.code === "Enter") {
      byId("chat-text").focus();
      e.preventDefault();
    }
  });
  addEventListener("keyup", (e) => held.delete(e.code));
  addEventListener("blur", () => (held.clear(), (trigger = false)));
  canvas.canvas.addEventListener("mousemove", (e) => (mouse = canvas.toWorld(e.clientX, e.clientY)));
  canvas.canvas.addEventListener("mousedown", (e) => {
    mouse = canvas.toWorld(e.clientX, e.clientY);
    trigger = true;
    clicked = true;
    e.preventDefault();
  });
  addEventListener("mouseup", () => (trigger = false));

  const tracers: Tracer[] = [];
  let nextShotMs = 0;
  const controls = (): PlayerControls => {
    let mx = 0;
    let my = 0;
    for (const code of held) {
      const v = MOVE_KEYS[code];
      if (v) (mx += v[0]), (my += v[1]);
    }
    const self = session.frame().self;
    const own = session.state.players?.get(session.sessionId);
    const facing = own?.team === "blue" ? Math.PI : 0;
    const aim = self && mouse ? Math.atan2(mouse.y - self.y, mouse.x - self.x) : (self?.angle ?? facing);
    const fire = trigger || clicked || held.has("Space");
    clicked = false;
    // A local tracer when the server will take the shot: off cooldown, rounds left, alive.
    const now = performance.now();
    if (fire && self && own && own.hp > 0 && own.ammo > 0 && now >= nextShotMs) {
      nextShotMs = now + COMBAT.fireCooldownSeconds * 1000;
      const reach = Math.min(COMBAT.range, rayObstacles(self.x, self.y, Math.cos(aim), Math.sin(aim)));
      tracers.push({ x: self.x, y: self.y, toX: self.x + Math.cos(aim) * reach, toY: self.y + Math.sin(aim) * reach, atMs: now });
      if (tracers.length > 8) tracers.shift();
    }
    return { mx, my, aim, fire };
  };
  runInputLoop(session, controls);

  // --- drawing, once per animation frame ---
  let lastHud = 0;
  const draw = (now: number) => {
    const frame = session.frame(now);
    const state = session.state;
    const drawn: DrawnPlayer[] = [];
    state.players?.forEach((p, id) => {
      const pose = id === session.sessionId ? frame.self : frame.others.get(id);
      if (pose) drawn.push({ id, name: p.name, team: p.team, ...pose, hp: p.hp, connected: p.connected, self: id === session.sessionId });
    });
    canvas.draw(drawn, tracers, now);
    if (now - lastHud >= HUD_EVERY_MS && state.players) {
      lastHud = now;
      renderHud(state, session.sessionId);
      const own = state.players?.get(session.sessionId);
      byId("ammo").textContent = !own ? "" : own.hp === 0 ? "down: respawning" : own.reloadDoneTick > 0 ? "reloading" : `ammo ${own.ammo}/${COMBAT.magazine}`;
    }
    publishProbe({ matchId: session.matchId, sessionId: session.sessionId, phase: state.phase, players: drawn, toViewport: (x, y) => canvas.toViewport(x, y) });
    requestAnimationFrame(draw);
  };
  requestAnimationFrame(draw);

  // --- chat ---
  const log = byId<HTMLOListElement>("chat-log");
  const say = (className: string, parts: [string, string][]) => {
    const item = document.createElement("li");
    item.className = className;
    for (const [cls, text] of parts) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      item.append(span);
    }
    log.append(item);
    while (log.children.length > 200) log.firstElementChild!.remove();
    log.scrollTop = log.scrollHeight;
  };
  const channelLabel = (m: ChatDelivery) => (m.channel === "all" ? "all" : m.channel.startsWith("team-") ? "team" : "direct");
  session.onChat((m) => say(`chat ${m.channel.startsWith("team-") ? "team" : m.channel}`, [["channel", `[${channelLabel(m)}] `], ["from", m.from === "server" ? "" : `${m.name}: `], ["text", m.text]]));
  // A `{text}` payload shows its text; any other payload as JSON.
  const userText = (m: UserMessage) => {
    const { payload } = m;
    if (typeof payload === "string") return payload;
    const text = (payload as { text?: unknown } | null)?.text;
    return typeof text === "string" ? text : JSON.stringify(payload);
  };
  session.onUserMessage((m) => say("chat user", [["channel", "[to your devices] "], ["text", userText(m)]]));
  session.onError((e) => say("chat error", [["text", `${e.code}: ${e.message}`]]));
  const typing = byId("typing");
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  session.onTyping((t) => {
    typing.textContent = `${t.name} is typing…`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (typing.textContent = ""), 2500);
  });
  const text = byId<HTMLInputElement>("chat-text");
  const channel = byId<HTMLSelectElement>("chat-channel");
  let lastTypingMs = 0;
  text.addEventListener("input", () => {
    if (performance.now() - lastTypingMs < 1000) return;
    lastTypingMs = performance.now();
    session.typing();
  });
  text.addEventListener("keydown", (e) => {
    if (e.key === "Escape") text.blur();
  });
  byId<HTMLFormElement>("chat-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    session.chat(channel.value as "all" | "team", text.value);
    text.value = "";
  });
}

void main();

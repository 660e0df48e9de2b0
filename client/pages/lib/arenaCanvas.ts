import { ARENA, COMBAT } from "../../../rooms/match/rules";
import type { DrawnPlayer } from "./probe";

export const TEAM_COLORS: Record<string, string> = { red: "#e5484d", blue: "#3e63dd" };
const AIM_LENGTH = 30;

/** A local tracer for the own shot: where it went and when, world units and ms. */
export interface Tracer {
  x: number;
  y: number;
  toX: number;
  toY: number;
  atMs: number;
}
const TRACER_MS = 90;

/**
 * Draws the arena (1600 x 900 world units) top-down, scaled to the canvas's
 * displayed size. The backing store follows that size and the device pixel
 * ratio: sharp on a dense screen, and no more pixels to fill than are shown.
 */
export class ArenaCanvas {
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext("2d")!;
    this.fit();
    new ResizeObserver(() => this.fit()).observe(canvas);
  }

  private fit(): void {
    const r = this.canvas.getBoundingClientRect();
    const width = Math.max(1, Math.round(r.width * devicePixelRatio));
    const height = Math.max(1, Math.round(r.height * devicePixelRatio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.ctx.setTransform(width / ARENA.width, 0, 0, height / ARENA.height, 0, 0);
  }

  /** The world point under a viewport point (a mouse event's clientX / clientY). */
  toWorld(clientX: number, clientY: number): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((clientX - r.left) * ARENA.width) / r.width, y: ((clientY - r.top) * ARENA.height) / r.height };
  }

  toViewport(x: number, y: number): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: r.left + (x * r.width) / ARENA.width, y: r.top + (y * r.height) / ARENA.height };
  }

  draw(players: DrawnPlayer[], tracers: Tracer[] = [], nowMs = performance.now()): void {
    const ctx = this.ctx;
    ctx.fillStyle = "#14161c";
    ctx.fillRect(0, 0, ARENA.width, ARENA.height);
    // Each team's home side, faintly.
    ctx.fillStyle = "rgba(229, 72, 77, 0.07)";
    ctx.fillRect(0, 0, 240, ARENA.height);
    ctx.fillStyle = "rgba(62, 99, 221, 0.07)";
    ctx.fillRect(ARENA.width - 240, 0, 240, ARENA.height);
    ctx.strokeStyle = "rgba(255, 255, 255, 0.04)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = 100; x < ARENA.width; x += 100) ctx.moveTo(x, 0), ctx.lineTo(x, ARENA.height);
    for (let y = 100; y < ARENA.height; y += 100) ctx.moveTo(0, y), ctx.lineTo(ARENA.width, y);
    ctx.stroke();
    ctx.fillStyle = "#3a3f4b";
    for (const o of ARENA.obstacles) ctx.fillRect(o.x, o.y, o.w, o.h);

    for (const t of tracers) {
      const age = nowMs - t.atMs;
      if (age > TRACER_MS) continue;
      ctx.strokeStyle = `rgba(255, 230, 140, ${1 - age / TRACER_MS})`;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(t.x, t.y);
      ctx.lineTo(t.toX, t.toY);
      ctx.stroke();
    }
    // The own player last, on top.
    for (const p of [...players].sort((a, b) => Number(a.self) - Number(b.self))) this.drawPlayer(p);
  }

  private drawPlayer(p: DrawnPlayer): void {
    const ctx = this.ctx;
    const r = ARENA.playerRadius;
    const color = TEAM_COLORS[p.team] ?? "#999";
    ctx.globalAlpha = p.hp > 0 ? (p.connected ? 1 : 0.45) : 0.25;
    ctx.strokeStyle = color;
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x + Math.cos(p.angle) * AIM_LENGTH, p.y + Math.sin(p.angle) * AIM_LENGTH);
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
    ctx.fill();
    if (p.self) {
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 3;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = "#e8e8ec";
    ctx.font = "600 15px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(p.connected ? p.name : `${p.name} (offline)`, p.x, p.y - r - 12);
    if (p.hp > 0) {
      ctx.fillStyle = "#2a2d35";
      ctx.fillRect(p.x - r, p.y + r + 6, 2 * r, 4);
      ctx.fillStyle = p.hp > 50 ? "#46a758" : p.hp > 25 ? "#f5a524" : "#e5484d";
      ctx.fillRect(p.x - r, p.y + r + 6, (2 * r * p.hp) / COMBAT.maxHp, 4);
    }
  }
}

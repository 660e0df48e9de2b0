/**
 * What a page last drew, on `window.arenaProbe`: for the browser tests and for
 * anyone curious in the devtools console. Plain data, no handles.
 */
export interface DrawnPlayer {
  id: string;
  name: string;
  team: string;
  /** World units, as drawn this frame (predicted for the own player, interpolated for others). */
  x: number;
  y: number;
  angle: number;
  hp: number;
  connected: boolean;
  self: boolean;
}

export interface PageProbe {
  matchId?: string;
  sessionId?: string;
  phase?: string;
  players: DrawnPlayer[];
  /** Viewport coordinates of a world point on the canvas (where to click to aim there). */
  toViewport?: (x: number, y: number) => { x: number; y: number };
}

declare global {
  interface Window {
    arenaProbe?: PageProbe;
  }
}

export function publishProbe(probe: PageProbe): void {
  window.arenaProbe = probe;
}

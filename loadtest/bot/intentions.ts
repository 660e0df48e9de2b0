import type { PlayerControls } from "../../schema/input";

/**
 * How bots fire: `bursts` in about a fifth of their stick periods (player-like),
 * or `always` (every input fires: the cost of shooting and of lag compensation
 * at its highest; the rules' cooldown and magazine bound the shots actually taken).
 */
export type FireMode = "bursts" | "always";
export const FIRE_MODES: readonly FireMode[] = ["bursts", "always"];

/**
 * xorshift32: a tiny deterministic generator, so bot i sends the same
 * intentions against Arena and against each peer.
 */
export function seededRandom(seed: number): () => number {
  let x = (seed | 0) || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Random but player-like intentions: a stick direction held for a while,
 * aim that drifts, and fire in bursts (roughly a fifth of the frames) or always.
 */
export class IntentionGenerator {
  private readonly random: () => number;
  private framesLeft = 0;
  private mx = 0;
  private my = 0;
  private aim = 0;
  private firing = false;

  constructor(seed: number, private readonly fireMode: FireMode = "bursts") {
    this.random = seededRandom(seed);
    this.aim = (this.random() * 2 - 1) * Math.PI;
  }

  next(): PlayerControls {
    if (this.framesLeft-- <= 0) {
      // Hold each choice for 0.25-1.25 s at 60 frames per second.
      this.framesLeft = 15 + Math.floor(this.random() * 60);
      const heading = this.random() * 2 * Math.PI;
      const push = this.random() < 0.15 ? 0 : 0.5 + this.random() * 0.5;
      this.mx = Math.cos(heading) * push;
      this.my = Math.sin(heading) * push;
      // Drawn in both modes so the movement and aim sequences stay the same.
      this.firing = this.random() < 0.2 || this.fireMode === "always";
    }
    this.aim += (this.random() - 0.5) * 0.2;
    if (this.aim > Math.PI) this.aim -= 2 * Math.PI;
    if (this.aim < -Math.PI) this.aim += 2 * Math.PI;
    return { mx: this.mx, my: this.my, aim: this.aim, fire: this.firing };
  }
}

import { ChannelAudience, AudienceOutput } from "./ChannelAudience";
import type { ChannelPosition, Fanout } from "./Fanout";

/** How a room reaches one of its clients by sessionId (nothing is sent to one not connected). */
export interface SessionWriter {
  send(sessionId: string, type: string, message: unknown): void;
  /** Bytes encoded once for many clients (`roomMessageBytes`). */
  sendEncoded(sessionId: string, type: string, bytes: Buffer): void;
  /** Undefined when the client can take more now; else settles once its socket has drained or closed. */
  whenWritable(sessionId: string): Promise<void> | undefined;
}

/**
 * A room's audiences, one per channel it has members on: made at the first
 * member, closed with the last (its presence subscription goes with it).
 */
export class Audiences {
  private readonly byKey = new Map<string, ChannelAudience>();

  constructor(
    private readonly fanout: Fanout,
    /** How the room writes a channel's messages to its members. */
    private readonly outputFor: (key: string) => AudienceOutput,
  ) {}

  /** Adds member `id` to channel `key` from `from` (see ChannelAudience.join); settles once it is live. */
  join(key: string, id: string, from: ChannelPosition | "latest" | "retained"): Promise<void> {
    let audience = this.byKey.get(key);
    if (!audience) this.byKey.set(key, (audience = new ChannelAudience(this.fanout, key, this.outputFor(key))));
    return audience.join(id, from);
  }

  pause(key: string, id: string): void {
    this.byKey.get(key)?.pause(id);
  }

  resume(key: string, id: string, from?: ChannelPosition): Promise<void> {
    return this.byKey.get(key)?.resume(id, from) ?? Promise.resolve();
  }

  /** Whether `id` is a member of channel `key`. */
  has(key: string, id: string): boolean {
    return this.byKey.get(key)?.has(id) ?? false;
  }

  /** The channels `id` is a member of: read from the audiences, so a member costs no list of its own. */
  keysOf(id: string): string[] {
    const keys: string[] = [];
    for (const [key, audience] of this.byKey) if (audience.has(id)) keys.push(key);
    return keys;
  }

  positionOf(key: string, id: string): ChannelPosition | undefined {
    return this.byKey.get(key)?.positionOf(id);
  }

  leave(key: string, id: string): void {
    const audience = this.byKey.get(key);
    if (!audience) return;
    audience.leave(id);
    if (audience.size > 0) return;
    audience.close();
    this.byKey.delete(key);
  }

  /** Removes `id` from every channel it is a member of. */
  leaveAll(id: string): void {
    for (const key of this.keysOf(id)) this.leave(key, id);
  }

  close(): void {
    for (const audience of this.byKey.values()) audience.close();
    this.byKey.clear();
  }
}

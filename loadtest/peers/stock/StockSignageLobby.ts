import { LobbyRoom } from "@colyseus/core";
import type { ArenaMetrics } from "../../../server/metrics";
import type { PeerBroadcast } from "../signage/protocol";

/** The presence topic a publish goes out on: every lobby room of the server listens. */
export const SIGNAGE_TOPIC = "stock-signage";

export interface StockPublish {
  broadcast: PeerBroadcast;
  /** When the publish's body was read (ms since the epoch): the hand-off is measured from it. */
  publishedAt: number;
}

/**
 * Signage written the way a stock Colyseus app would: the built-in LobbyRoom,
 * and each publish passed through presence pub/sub to every lobby, which sends
 * it with `broadcast` (one encode, one send per client). No auth, signature or
 * backlog, like the ws Map peer; it is what Colyseus's own client machinery
 * costs a display.
 */
export class StockSignageLobby extends LobbyRoom {
  private metrics!: ArenaMetrics;
  private readonly onPublish = ({ broadcast, publishedAt }: StockPublish) => {
    this.broadcast("broadcast", broadcast);
    // `broadcast` hands the message to every client before it returns: each display is counted at that time.
    const seconds = (Date.now() - publishedAt) / 1000;
    for (let i = 0; i < this.clients.length; i++) this.metrics.fanoutLatency.labels("signage").observe(seconds);
  };

  /** `metrics`: the peer's own, handed over in the room definition's options. */
  async onCreate(options: { metrics: ArenaMetrics }): Promise<void> {
    this.metrics = options.metrics;
    await super.onCreate(options);
    await this.presence.subscribe(SIGNAGE_TOPIC, this.onPublish);
  }

  onDispose(): void {
    this.presence.unsubscribe(SIGNAGE_TOPIC, this.onPublish);
    super.onDispose();
  }
}

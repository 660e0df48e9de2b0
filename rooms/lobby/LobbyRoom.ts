import { Client, matchMaker, ServerError, subscribeLobby } from "@colyseus/core";
import type { IRoomCache } from "@colyseus/core";
import { ArenaRoom } from "../ArenaRoom";
import { Subscription } from "../fanout/Subscription";
import { signageChannelKey, signageSyncKey, userChannel } from "../fanout/keys";
import { publishBroadcast, requestSync } from "./signage";
import { CloseCode, ErrorCode } from "../../schema/codes";
import { ChannelRequest, describeIssues, LobbyJoinOptions, LobbyMessageType, PublishMessage, SubscribeMessage } from "../../schema/messages";
import { GapNotice, ResetNotice, ServerMessageType } from "../../schema/serverMessages";
import { ApiError } from "../../server/ApiError";
import type { Role } from "../../server/auth/identity";
import { RELIST_CHANNEL } from "../../server/cluster/keys";
import { logger } from "../../server/logger";
import { RelayRecorder } from "../../server/metrics";

/** A lobby client's signage subscriptions: content, plus request-sync for operators. */
interface Watch {
  content: Subscription;
  sync?: Subscription;
}

/**
 * The lobby: a live list of open matches (Colyseus LobbyRoom semantics: `rooms`,
 * `+`, `-`) and signage channels on the same fan-out as match chat. Displays
 * subscribe and may ask for a resync; operators publish and hear those requests;
 * players see the listing only.
 */
export class LobbyRoom extends ArenaRoom {
  static override allowedRoles: readonly Role[] = ["player", "display", "operator"];
  protected override readonly messageRates = {
    [LobbyMessageType.SUBSCRIBE]: { perSecond: 10, burst: 50 },
    [LobbyMessageType.UNSUBSCRIBE]: { perSecond: 10, burst: 50 },
    [LobbyMessageType.PUBLISH]: { perSecond: 10, burst: 20 },
    [LobbyMessageType.REQUEST_SYNC]: { perSecond: 1, burst: 5 },
  };
  private readonly watches = new Map<string, Map<string, Watch>>();
  private readonly relays = new RelayRecorder(this.metrics, "signage");
  private matches = new Map<string, IRoomCache>();
  private unsubscribeLobby?: () => void;

  async onCreate(): Promise<void> {
    this.listing.unlisted = true;
    // A full lobby is locked; matchmaking then opens another on the least loaded node,
    // so displays spread over the cluster.
    this.maxClients = this.config.ARENA_LOBBY_MAX_CLIENTS;
    this.unsubscribeLobby = await this.followListing();
    this.onMessage(LobbyMessageType.SUBSCRIBE, (client, message) => this.onSubscribe(client, message));
    this.onMessage(LobbyMessageType.UNSUBSCRIBE, (client, message) => this.onUnsubscribe(client, message));
    this.onMessage(LobbyMessageType.PUBLISH, (client, message) => this.onPublish(client, message));
    this.onMessage(LobbyMessageType.REQUEST_SYNC, (client, message) => this.onRequestSync(client, message));
  }

  onJoin(client: Client, options: unknown): void {
    const parsed = LobbyJoinOptions.safeParse(options ?? {});
    if (!parsed.success) throw new ServerError(400, `invalid join options: ${describeIssues(parsed.error)}`);
    this.watches.set(client.sessionId, new Map());
    this.sendTo(client, ServerMessageType.ROOMS, [...this.matches.values()]);
    for (const channel of parsed.data.channels ?? []) {
      const after = parsed.data.after?.[channel];
      this.subscribe(client, { channel, after, epoch: parsed.data.epochs?.[channel] });
    }
    // A device that was away passes its user channel's position like a signage one.
    const own = userChannel(this.identity(client).sub);
    const after = parsed.data.after?.[own];
    this.openUserFeed(client, after === undefined ? undefined : { epoch: parsed.data.epochs?.[own], seq: after });
  }

  onLeave(client: Client): void {
    this.closeAll(client.sessionId);
  }

  /** Draining node: displays and operators reconnect to another node and resume from their seqs. */
  onBeforeShutdown(): void {
    void this.disconnect(CloseCode.SERVER_SHUTTING_DOWN);
  }

  onDispose(): void {
    this.unsubscribeLobby?.();
    for (const sessionId of [...this.watches.keys()]) this.closeAll(sessionId);
  }

  /**
   * Follows the match listing: Colyseus's per-room updates, and a full re-read whenever a node's
   * rooms were removed (a dead node) or written again (the store came back). Returns the unsubscribe.
   */
  private async followListing(): Promise<() => void> {
    const unsubscribeUpdates = await subscribeLobby((roomId, listing) => this.onListing(roomId, listing));
    const relist = () => void this.relist().catch((err: unknown) => logger.warn({ room: this.roomId, err }, "could not re-read the match listing"));
    await this.presence.subscribe(RELIST_CHANNEL, relist);
    await this.relist();
    return () => {
      unsubscribeUpdates();
      void this.presence.unsubscribe(RELIST_CHANNEL, relist);
    };
  }

  /** Replaces the listing with the store's: `-` for each match no longer there, `+` for each that is. */
  private async relist(): Promise<void> {
    const stored = await matchMaker.query({ name: "match", private: false, unlisted: false });
    const storedIds = new Set(stored.map((room) => room.roomId));
    for (const roomId of [...this.matches.keys()]) if (!storedIds.has(roomId)) this.onListing(roomId, undefined);
    for (const room of stored) this.onListing(room.roomId, room);
  }

  private onListing(roomId: string, listing: IRoomCache | undefined): void {
    if (!listing) {
      if (this.matches.delete(roomId)) this.broadcast(ServerMessageType.ROOM_REMOVED, roomId);
      return;
    }
    if (listing.name !== "match") return;
    this.matches.set(roomId, listing);
    this.broadcast(ServerMessageType.ROOM_ADDED, [roomId, listing]);
  }

  private onSubscribe(client: Client, message: unknown): void {
    const parsed = SubscribeMessage.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `subscribe refused: ${describeIssues(parsed.error)}`);
    this.subscribe(client, parsed.data);
  }

  /** Displays and operators may subscribe; players may not (the listing is theirs, signage is not). */
  private subscribe(client: Client, { channel, after, epoch }: { channel: string; after?: number; epoch?: string }): void {
    const role = this.identity(client).role;
    if (role === "player") return this.refuse(client, ErrorCode.FORBIDDEN_CHANNEL, "players cannot subscribe to signage channels");
    const watches = this.watches.get(client.sessionId)!;
    if (watches.has(channel)) return;
    if (watches.size >= this.config.ARENA_LOBBY_MAX_CHANNELS) {
      return this.refuse(client, ErrorCode.TOO_MANY_CHANNELS, `at most ${this.config.ARENA_LOBBY_MAX_CHANNELS} channels per client`);
    }
    const { fanout, broadcasts } = this.context;
    const content = new Subscription(fanout, signageChannelKey(channel), {
      message: (m) => {
        this.sendEncoded(client, ServerMessageType.BROADCAST, broadcasts.bytesOf(m));
        this.relays.record(m.ts);
      },
      gap: (_key, afterSeq) => this.sendTo(client, ServerMessageType.GAP, { channel, after: afterSeq } satisfies GapNotice),
      reset: (_key, newEpoch) => this.sendTo(client, ServerMessageType.RESET, { channel, epoch: newEpoch } satisfies ResetNotice),
    }, after === undefined ? "retained" : { epoch, seq: after });
    const watch: Watch = { content };
    if (role === "operator") {
      watch.sync = new Subscription(fanout, signageSyncKey(channel), {
        message: (m) => this.sendTo(client, ServerMessageType.REQUEST_SYNC, m.payload),
        gap: () => {},
        reset: () => {},
      }, "latest");
    }
    watches.set(channel, watch);
  }

  private onUnsubscribe(client: Client, message: unknown): void {
    const parsed = ChannelRequest.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `unsubscribe refused: ${describeIssues(parsed.error)}`);
    const watches = this.watches.get(client.sessionId);
    const watch = watches?.get(parsed.data.channel);
    if (!watch) return;
    this.close(watch);
    watches!.delete(parsed.data.channel);
  }

  private async onPublish(client: Client, message: unknown): Promise<void> {
    if (this.identity(client).role !== "operator") return this.refuse(client, ErrorCode.ROLE_FORBIDDEN, "only operators publish");
    const parsed = PublishMessage.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `publish refused: ${describeIssues(parsed.error)}`);
    try {
      this.sendTo(client, ServerMessageType.PUBLISHED, await publishBroadcast(this.context.fanout, parsed.data.channel, parsed.data.payload));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // Not the operator's fault: an error to retry on, no strike.
      this.sendError(client, error.code, error.message);
    }
  }

  private onRequestSync(client: Client, message: unknown): void {
    const parsed = ChannelRequest.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `request-sync refused: ${describeIssues(parsed.error)}`);
    if (!this.watches.get(client.sessionId)?.has(parsed.data.channel)) {
      return this.refuse(client, ErrorCode.FORBIDDEN_CHANNEL, "subscribe to a channel before asking it to resync");
    }
    const who = this.identity(client);
    requestSync(this.context.fanout, parsed.data.channel, { id: client.sessionId, name: who.name });
  }

  private close(watch: Watch): void {
    watch.content.close();
    watch.sync?.close();
  }

  private closeAll(sessionId: string): void {
    for (const watch of this.watches.get(sessionId)?.values() ?? []) this.close(watch);
    this.watches.delete(sessionId);
  }
}

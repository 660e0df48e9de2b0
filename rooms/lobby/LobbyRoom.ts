import { Client, matchMaker, ServerError, subscribeLobby } from "@colyseus/core";
import type { IRoomCache } from "@colyseus/core";
import { ArenaRoom } from "../ArenaRoom";
import { Audiences } from "../fanout/Audiences";
import type { AudienceOutput } from "../fanout/ChannelAudience";
import { signageChannelKey, signageChannelOf, signageSyncKey, userChannel } from "../fanout/keys";
import { publishBroadcast, requestSync } from "./signage";
import { CloseCode, ErrorCode } from "../../schema/codes";
import { ChannelRequest, describeIssues, LobbyJoinOptions, LobbyMessageType, PublishMessage, SubscribeMessage } from "../../schema/messages";
import { GapNotice, ResetNotice, ServerMessageType } from "../../schema/serverMessages";
import { ApiError } from "../../server/ApiError";
import type { Role } from "../../server/auth/identity";
import { RELIST_CHANNEL } from "../../server/cluster/keys";
import { logger } from "../../server/logger";
import { RelayRecorder } from "../../server/metrics";
import { roomMessageBytes } from "../../server/runtime/roomMessage";

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
  private readonly relays = new RelayRecorder(this.metrics, "signage");
  /**
   * Signage content: one audience per channel, each broadcast encoded and signed once. Its memberships
   * are the clients' subscriptions (no set per client: a display's memory is what the lobby scales by).
   */
  private readonly content = new Audiences(this.context.fanout, (key) => this.contentOutput(key));
  /** Resync requests, for the operators of each channel. */
  private readonly syncRequests = new Audiences(this.context.fanout, () => this.syncOutput());
  /** Clients that get the match listing: displays do not unless they ask (join option `listing`). */
  private readonly listeners = new Set<string>();
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
    if (parsed.data.listing ?? this.identity(client).role !== "display") {
      this.listeners.add(client.sessionId);
      this.sendTo(client, ServerMessageType.ROOMS, [...this.matches.values()]);
    }
    for (const channel of parsed.data.channels ?? []) {
      const after = parsed.data.after?.[channel];
      this.subscribe(client, { channel, after, epoch: parsed.data.epochs?.[channel] });
    }
    if (!(parsed.data.userChannel ?? this.identity(client).role !== "display")) return;
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
    this.content.close();
    this.syncRequests.close();
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
      if (this.matches.delete(roomId)) this.toListeners(ServerMessageType.ROOM_REMOVED, roomId);
      return;
    }
    if (listing.name !== "match") return;
    this.matches.set(roomId, listing);
    this.toListeners(ServerMessageType.ROOM_ADDED, [roomId, listing]);
  }

  /** A listing change, encoded once, to the clients that follow the listing. */
  private toListeners(type: string, message: unknown): void {
    if (this.listeners.size === 0) return;
    const bytes = roomMessageBytes(type, message);
    for (const sessionId of this.listeners) this.sessions.sendEncoded(sessionId, type, bytes);
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
    if (this.content.has(signageChannelKey(channel), client.sessionId)) return;
    if (this.content.keysOf(client.sessionId).length >= this.config.ARENA_LOBBY_MAX_CHANNELS) {
      return this.refuse(client, ErrorCode.TOO_MANY_CHANNELS, `at most ${this.config.ARENA_LOBBY_MAX_CHANNELS} channels per client`);
    }
    void this.content.join(signageChannelKey(channel), client.sessionId, after === undefined ? "retained" : { epoch, seq: after });
    if (role === "operator") void this.syncRequests.join(signageSyncKey(channel), client.sessionId, "latest");
  }

  private contentOutput(key: string): AudienceOutput {
    const channel = signageChannelOf(key)!;
    const { broadcasts } = this.context;
    return {
      encode: (m) => broadcasts.bytesOf(m),
      write: (sessionId, bytes) => this.sessions.sendEncoded(sessionId, ServerMessageType.BROADCAST, bytes),
      whenWritable: (sessionId) => this.sessions.whenWritable(sessionId),
      gap: (sessionId, after) => this.sessions.send(sessionId, ServerMessageType.GAP, { channel, after } satisfies GapNotice),
      reset: (sessionId, epoch) => this.sessions.send(sessionId, ServerMessageType.RESET, { channel, epoch } satisfies ResetNotice),
      delivered: (m, count) => this.relays.record(m.ts, count),
    };
  }

  private syncOutput(): AudienceOutput {
    return {
      encode: (m) => roomMessageBytes(ServerMessageType.REQUEST_SYNC, m.payload),
      write: (sessionId, bytes) => this.sessions.sendEncoded(sessionId, ServerMessageType.REQUEST_SYNC, bytes),
      whenWritable: (sessionId) => this.sessions.whenWritable(sessionId),
      gap: () => {},
      reset: () => {},
    };
  }

  private onUnsubscribe(client: Client, message: unknown): void {
    const parsed = ChannelRequest.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `unsubscribe refused: ${describeIssues(parsed.error)}`);
    this.content.leave(signageChannelKey(parsed.data.channel), client.sessionId);
    this.syncRequests.leave(signageSyncKey(parsed.data.channel), client.sessionId);
  }

  private async onPublish(client: Client, message: unknown): Promise<void> {
    if (this.identity(client).role !== "operator") return this.refuse(client, ErrorCode.ROLE_FORBIDDEN, "only operators publish");
    const parsed = PublishMessage.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `publish refused: ${describeIssues(parsed.error)}`);
    try {
      this.sendTo(client, ServerMessageType.PUBLISHED, await publishBroadcast(this.context.fanout, this.context.signageChannels, parsed.data.channel, parsed.data.payload));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // Not the operator's fault: an error to retry on, no strike.
      this.sendError(client, error.code, error.message);
    }
  }

  private onRequestSync(client: Client, message: unknown): void {
    const parsed = ChannelRequest.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `request-sync refused: ${describeIssues(parsed.error)}`);
    if (!this.content.has(signageChannelKey(parsed.data.channel), client.sessionId)) {
      return this.refuse(client, ErrorCode.FORBIDDEN_CHANNEL, "subscribe to a channel before asking it to resync");
    }
    const who = this.identity(client);
    requestSync(this.context.fanout, parsed.data.channel, { id: client.sessionId, name: who.name });
  }

  private closeAll(sessionId: string): void {
    this.content.leaveAll(sessionId);
    this.syncRequests.leaveAll(sessionId);
    this.listeners.delete(sessionId);
  }
}

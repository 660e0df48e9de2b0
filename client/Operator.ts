import type { Room } from "colyseus.js";
import type { Broadcast, Published, SyncRequest, UserBatchAnswer } from "../schema/serverMessages";
import type { ErrorMessage } from "../schema/codes";
import { arenaClient } from "./arenaClient";
import { arenaFetch } from "./http";
import { Listeners } from "./listeners";


/**
 * What an operator does (an `operator` token, from `npm run token`): publish
 * to a signage channel or push to a user over HTTP (the reply carries the seq
 * it got), and watch
 * channels in the lobby to hear displays' `request-sync` and see what they show.
 */
export class Operator {
  constructor(private readonly options: { endpoint: string; token: string }) {}

  /** `POST /api/channels/:channel/messages`; throws ArenaHttpError when refused. */
  publish(channel: string, payload: unknown): Promise<Published> {
    return arenaFetch(`${this.options.endpoint}/api/channels/${encodeURIComponent(channel)}/messages`, {
      token: this.options.token,
      body: { payload },
    });
  }

  /**
   * `POST /api/users/:sub/messages`: reaches every connection of identity
   * `sub` (a backend with a `service` token may do the same). Answers where it
   * landed; throws ArenaHttpError when refused (e.g. 400 invalid_request, 503
   * store_unavailable: nothing was delivered, send again).
   */
  pushToUser(sub: string, payload: unknown): Promise<Published> {
    return arenaFetch(`${this.options.endpoint}/api/users/${encodeURIComponent(sub)}/messages`, {
      token: this.options.token,
      body: { payload },
    });
  }

  /**
   * `POST /api/users/messages`: up to 100 pushes, each to its identity, in one
   * request, published in order. Each result says where its message landed, or
   * carries `error` (Redis lost mid-batch: send that one again); throws
   * ArenaHttpError when the whole batch is refused (503: nothing was delivered).
   */
  pushToUsers(messages: { sub: string; payload: unknown }[]): Promise<UserBatchAnswer> {
    return arenaFetch(`${this.options.endpoint}/api/users/messages`, { token: this.options.token, body: { messages } });
  }

  /** Joins the lobby subscribed to `channels`: their retained content first, then every broadcast and sync request. */
  async watch(channels: string[]): Promise<OperatorWatch> {
    const room = await arenaClient(this.options.endpoint, this.options.token).joinOrCreate("lobby", { channels });
    return new OperatorWatch(room);
  }
}

/** An operator's lobby seat. Unverified: the operator trusts its own server. */
export class OperatorWatch {
  private readonly syncListeners = new Listeners<[request: SyncRequest]>();
  private readonly broadcastListeners = new Listeners<[broadcast: Broadcast]>();
  private readonly errorListeners = new Listeners<[error: ErrorMessage]>();

  constructor(readonly room: Room) {
    room.onMessage("request-sync", (request: SyncRequest) => this.syncListeners.emit(request));
    room.onMessage("broadcast", (broadcast: Broadcast) => this.broadcastListeners.emit(broadcast));
    room.onMessage("error", (error: ErrorMessage) => this.errorListeners.emit(error));
    // The match listing, acks of lobby `publish` and the operator's own user channel are not an operator console's business.
    for (const type of ["rooms", "+", "-", "gap", "reset", "published", "user"]) room.onMessage(type, () => {});
  }

  onRequestSync(listener: (request: SyncRequest) => void): () => void {
    return this.syncListeners.add(listener);
  }

  onBroadcast(listener: (broadcast: Broadcast) => void): () => void {
    return this.broadcastListeners.add(listener);
  }

  onError(listener: (error: ErrorMessage) => void): () => void {
    return this.errorListeners.add(listener);
  }

  subscribe(channel: string): void {
    this.room.send("subscribe", { channel });
  }

  unsubscribe(channel: string): void {
    this.room.send("unsubscribe", { channel });
  }

  onLeave(listener: (code: number) => void): void {
    this.room.onLeave(listener);
  }

  close(): Promise<number> {
    return this.room.leave(true);
  }
}

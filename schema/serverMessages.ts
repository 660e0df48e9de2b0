/**
 * Every server -> client message of the rooms and the channel HTTP routes,
 * declared once and shared by the server, the SDK and the pages
 * (docs/protocol.md describes each). `ErrorMessage` lives with the codes.
 */

/** Type names of the messages rooms send (besides state patches). */
export const ServerMessageType = {
  CHAT: "chat",
  TYPING: "typing",
  GAP: "gap",
  RESET: "reset",
  ERROR: "error",
  BROADCAST: "broadcast",
  PUBLISHED: "published",
  REQUEST_SYNC: "request-sync",
  USER: "user",
  /** Lobby listing, as Colyseus's LobbyRoom: the full list, a match added or changed, a match gone. */
  ROOMS: "rooms",
  ROOM_ADDED: "+",
  ROOM_REMOVED: "-",
} as const;

/** `chat`: one match channel message. */
export interface ChatDelivery {
  /** `<channel>:<epoch>:<seq>`. */
  id: string;
  /** `all`, `team-red`, `team-blue` or `player-<sessionId>`. */
  channel: string;
  /** The channel's numbering `seq` belongs to (docs/protocol.md "Ordering and epochs"). */
  epoch: string;
  seq: number;
  /** Sender's sessionId, or "server" for notices. */
  from: string;
  name: string;
  to?: string;
  text: string;
  /** ms since 1970 when it was numbered. */
  ts: number;
}

/** `typing`: a teammate is typing. */
export interface TypingNotice {
  channel: string;
  from: string;
  name: string;
}

/** `gap`: messages after seq `after` were evicted from the backlog before they could be delivered. */
export interface GapNotice {
  channel: string;
  after: number;
}

/** `reset`: the channel's numbering started again in `epoch` (the store lost it); what follows counts from its start. */
export interface ResetNotice {
  channel: string;
  epoch: string;
}

/** `broadcast`: a signage message; `jws` signs `{channel, seq, payload}`. */
export interface Broadcast {
  channel: string;
  epoch: string;
  seq: number;
  payload: unknown;
  jws: string;
}

/** `published` (lobby) and the 201 body of `POST /api/channels/:channel/messages`: where a publish landed. */
export interface Published {
  channel: string;
  epoch: string;
  seq: number;
}

/** One message of a batch push: where it landed, or why it was not published (send it again). */
export type UserBatchResult = Published | { channel: string; error: { code: string; message: string } };

/** The 201 body of `POST /api/users/messages`: one result per message, in the request's order. */
export interface UserBatchAnswer {
  results: UserBatchResult[];
}

/** `user`: a message on the identity's own user channel (from a backend, or from another of its devices). */
export interface UserMessage {
  /** `user-<sub>`. */
  channel: string;
  epoch: string;
  seq: number;
  payload: unknown;
  /** ms since 1970 when it was numbered. */
  ts: number;
}

/** `request-sync` (operators): a display asks for the channel's content again. */
export interface SyncRequest {
  channel: string;
  /** The display's lobby sessionId and its token's name. */
  from: string;
  name: string;
}

/** Body of `GET /api/channels/:channel/messages` (polling). */
export interface PolledBroadcasts {
  /** The channel's epoch; absent while nothing is published on it. */
  epoch?: string;
  /** The position asked for is of another epoch: `messages` start that epoch again. */
  reset: boolean;
  messages: Broadcast[];
}

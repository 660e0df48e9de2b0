import { z } from "zod";
import type { PlayerInput } from "./input";
import { decodeInputFrame } from "./inputFrame";

/**
 * The wire shape of every client -> server message, checked at the room boundary.
 * Numbers must be finite (zod refuses NaN and ±Infinity); ranges are clamped
 * afterwards (schema/input.ts clampInput), so a slightly-off client is corrected
 * rather than cut off.
 */

/** The msgpack form of `input`: a PlayerInput (schema/input.ts) as an object. */
const InputObject = z.object({
  seq: z.number().int().min(1).max(0xffff_ffff),
  mx: z.number(),
  my: z.number(),
  aim: z.number(),
  fire: z.boolean(),
  tick: z.number().int().min(0).max(0xffff_ffff).optional(),
}) satisfies z.ZodType<PlayerInput>;

/**
 * An `input` in either of its forms: the binary frame (schema/inputFrame.ts,
 * what the SDK sends: one input or two) or the msgpack object above (one). The
 * inputs in order, not clamped yet, or why the message is refused.
 */
export function readInputs(message: unknown): PlayerInput[] | string {
  if (message instanceof Uint8Array) return decodeInputFrame(message);
  const parsed = InputObject.safeParse(message);
  return parsed.success ? [parsed.data] : describeIssues(parsed.error);
}

/** `channel`: "all", "team" (own team), "player" (with `to`), or an explicit channel name. */
export const ChatMessage = z.object({
  channel: z.string().max(64),
  to: z.string().max(64).optional(),
  text: z.string().max(4096),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A channel name a client reports a position for: up to `user-` and a 128-character token subject. */
const PositionChannel = z.string().max(133);

/** A channel's epoch, as the server sent it (`broadcast.epoch`, `chat.epoch`, `reset.epoch`). */
const Epoch = z.string().min(1).max(32);

/** After a reconnection: the last seq seen per channel name; the server replays what came after. */
export const ResumeMessage = z.object({
  channels: z.record(PositionChannel, z.number().int().min(0).max(0xffff_ffff)),
  /** Per channel name, the epoch of that seq (as `chat.epoch` gave it). */
  epochs: z.record(PositionChannel, Epoch).optional(),
});
export type ResumeMessage = z.infer<typeof ResumeMessage>;

/** Message types a client may send to a match. */
export const MatchMessageType = {
  INPUT: "input",
  CHAT: "chat",
  TYPING: "typing",
  RESUME: "resume",
} as const;

export const MatchJoinOptions = z.object({
  team: z.enum(["red", "blue"]).optional(),
});
export type MatchJoinOptions = z.infer<typeof MatchJoinOptions>;

/** A one-line reason for a refused message, safe to send back to the client. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ");
}

/** Signage channel names: lowercase letters, digits, `.`, `_`, `-`; 1-64 characters (`program-5`). */
export const SignageChannelName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "channel names are [a-z0-9][a-z0-9._-]{0,63}");

const Seq = z.number().int().min(0).max(0xffff_ffff);

/**
 * `after`: per channel, the last seq the display already has (resume); without it the retained message comes
 * first. `epochs`: per channel, the epoch of that seq; a different epoch than the channel's answers `reset` and
 * the new epoch from its start.
 */
export const LobbyJoinOptions = z.object({
  /** Whether to get the match listing (`rooms`, `+`, `-`): by default players and operators do, displays do not. */
  listing: z.boolean().optional(),
  /** Whether to get the identity's user channel (`user` messages): by default players and operators do, displays do not. */
  userChannel: z.boolean().optional(),
  channels: z.array(SignageChannelName).max(256).optional(),
  after: z.record(PositionChannel, Seq).optional(),
  epochs: z.record(PositionChannel, Epoch).optional(),
});

export const SubscribeMessage = z.object({ channel: SignageChannelName, after: Seq.optional(), epoch: Epoch.optional() });
export const ChannelRequest = z.object({ channel: SignageChannelName });
export const PublishMessage = z.object({
  channel: SignageChannelName,
  payload: z.unknown().refine((v) => v !== undefined, "payload is required"),
});

/** Message types a client may send to the lobby. */
export const LobbyMessageType = {
  SUBSCRIBE: "subscribe",
  UNSUBSCRIBE: "unsubscribe",
  PUBLISH: "publish",
  REQUEST_SYNC: "request-sync",
} as const;

/** `spectate` room: the match to watch (a roomId from the lobby listing). */
export const SpectateJoinOptions = z.object({ match: z.string().min(1).max(64) });
export type SpectateJoinOptions = z.infer<typeof SpectateJoinOptions>;

/** A device's post to its identity's own user channel (every room takes it): reaches the identity's other connections. */
export const UserPost = z.object({
  payload: z.unknown().refine((v) => v !== undefined, "payload is required"),
});

/** A token subject: what a token's `sub` claim accepts, and so what names a user channel. */
export const UserSub = z.string().min(1).max(128);

/** Messages one batch push (`POST /api/users/messages`) takes at most. */
export const USER_BATCH_MAX = 100;

/** `POST /api/users/messages`: several identities' pushes in one request, published in order. */
export const UserBatch = z.object({
  messages: z.array(UserPost.extend({ sub: UserSub })).min(1).max(USER_BATCH_MAX),
});

/** The client -> server message type every room takes for UserPost. */
export const USER_POST = "user";

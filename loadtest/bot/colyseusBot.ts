/**
 * The Colyseus half of a match bot: joins `match` with colyseus.js, sends each
 * input as Arena's SDK does (the binary frame) or as a plain colyseus.js client
 * does (a msgpack object), and reports every decoded state's own `ack`. Used by
 * the benchmark's fleet and by loadtest/matchBot.ts (the @colyseus/loadtest
 * entry), which is kept apart because it starts the loadtest CLI when loaded.
 */
import { Client, Room } from "colyseus.js";
import type WebSocket from "ws";
import { withoutTokenInUrl } from "../../client/withoutTokenInUrl";
import { InputFrames } from "../../client/inputFrames";
import type { PlayerInput } from "../../schema/input";
import { ackOf, MatchState, PlayerState, tickOf } from "../../schema/MatchState";
import { Bot, BotTransport } from "./Bot";
import type { FireMode } from "./intentions";

/** colyseus.js 0.16 keeps its `ws` socket on the transport; its declared type hides it. */
function socketOf(room: Room): WebSocket {
  return (room.connection.transport as unknown as { ws: WebSocket }).ws;
}

/** How a bot sends its inputs: as binary frames of `inputsPerFrame` inputs (the SDK's way), or as msgpack objects. */
function inputSender(room: Room<MatchState>, options: MatchBotOptions): (input: PlayerInput) => void {
  if (!options.inputFrames) return (input) => room.send("input", input);
  const frames = new InputFrames((frame) => room.sendBytes("input", frame), options.inputsPerFrame);
  return (input) => void frames.add(input);
}

function colyseusTransport(room: Room<MatchState>, options: MatchBotOptions): BotTransport {
  const socket = socketOf(room);
  return {
    socket,
    placement: { room: room.roomId, node: new URL(socket.url).host },
    sendInput: inputSender(room, options),
    onState: (listener) => room.onStateChange((state) => {
      // Arena's state carries the acknowledged seq as its distance from the tick; the stock peer's, as is
      // (and no tick).
      const own: (PlayerState & { ack?: number }) | undefined = state.players?.get(room.sessionId);
      listener(own === undefined ? 0 : own.ack ?? ackOf(state, own), state.tickLow === undefined ? undefined : tickOf(state));
    }),
    onError: (listener) => room.onMessage("error", () => listener()),
    onClose: (listener) => room.onLeave(() => listener()),
    close: async () => {
      await room.leave(true);
    },
  };
}

/** A colyseus.js client presenting `token` (kept out of the WebSocket URL); servers without auth ignore it. */
export function clientWithToken(endpoint: string, token: string | undefined): Client {
  const client = new Client(endpoint, { urlBuilder: withoutTokenInUrl });
  if (token) client.auth.token = token;
  return client;
}

export interface MatchBotOptions {
  /** A `player` token (Arena); servers without auth ignore it. */
  token?: string;
  fireMode?: FireMode;
  /** Inputs as binary frames, as Arena's SDK sends them; otherwise msgpack objects (`room.send`). */
  inputFrames: boolean;
  /** With binary frames: inputs a frame carries (2: 30 frames a second, as the SDK's `inputsPerFrame`); default 1. */
  inputsPerFrame?: 1 | 2;
}

/** Joins (or creates) a match on `endpoint` and returns a started bot; `seed` picks its intentions. */
export async function joinMatchBot(endpoint: string, roomName: string, seed: number, options: MatchBotOptions): Promise<Bot> {
  const room = await clientWithToken(endpoint, options.token).joinOrCreate<MatchState>(roomName);
  // Chat notices (the kill feed), typing and gap notices are not measured.
  for (const type of ["chat", "typing", "gap"]) room.onMessage(type, () => {});
  const bot = new Bot(colyseusTransport(room, options), seed, options.fireMode);
  bot.start();
  return bot;
}

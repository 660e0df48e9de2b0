/**
 * A match bot: joins `match` with a player token it signs itself, sends `input`
 * at 60 Hz with random intentions and decodes the state with colyseus.js.
 * Standalone, against a running server started with the same secret and limits
 * that admit 120 connections from one address:
 *
 *   ARENA_JWT_SECRET=<32+ chars> ARENA_MAX_CONNECTIONS_PER_IP=1000 ARENA_MATCHMAKE_REQUESTS_PER_MINUTE=10000 npm start
 *   ARENA_JWT_SECRET=<same> npm run loadtest -- --endpoint ws://localhost:2567 --room match --numClients 120
 *
 * Without ARENA_JWT_SECRET the bots sign with the dev secret a dev server wrote
 * (ARENA_DEV_SECRET_FILE). (@colyseus/loadtest 0.16 exports `cli(main)`; its old
 * `colyseus-loadtest <script>` binary only prints a deprecation notice.) The
 * benchmark uses the same bot through `joinMatchBot`.
 */
import { cli, Options } from "@colyseus/loadtest";
import { Client, Room } from "colyseus.js";
import type WebSocket from "ws";
import { withoutTokenInUrl } from "../client/withoutTokenInUrl";
import { encodeInputFrame, INPUT_FRAME_BYTES } from "../schema/inputFrame";
import type { MatchState } from "../schema/MatchState";
import { readDevSecret } from "../server/auth/devSecret";
import { loadConfig } from "../server/config";
import { Bot, BotTransport } from "./bot/Bot";
import type { FireMode } from "./bot/intentions";
import { summarizeLatencies } from "./bot/summary";
import { botToken } from "./bot/token";

/** colyseus.js 0.16 keeps its `ws` socket on the transport; its declared type hides it. */
export function socketOf(room: Room): WebSocket {
  return (room.connection.transport as unknown as { ws: WebSocket }).ws;
}

function colyseusTransport(room: Room<MatchState>, inputFrames: boolean): BotTransport {
  const frame = new Uint8Array(INPUT_FRAME_BYTES);
  return {
    socket: socketOf(room),
    sendInput: inputFrames ? (input) => room.sendBytes("input", encodeInputFrame(input, frame)) : (input) => room.send("input", input),
    onState: (listener) => room.onStateChange((state) => listener(state.players?.get(room.sessionId)?.ack ?? 0, state.tick)),
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
}

/** Joins (or creates) a match on `endpoint` and returns a started bot; `seed` picks its intentions. */
export async function joinMatchBot(endpoint: string, roomName: string, seed: number, options: MatchBotOptions): Promise<Bot> {
  const room = await clientWithToken(endpoint, options.token).joinOrCreate<MatchState>(roomName);
  // Chat notices (the kill feed), typing and gap notices are not measured.
  for (const type of ["chat", "typing", "gap"]) room.onMessage(type, () => {});
  const bot = new Bot(colyseusTransport(room, options.inputFrames), seed, options.fireMode);
  bot.start();
  return bot;
}

const running: Bot[] = [];

async function main(options: Options): Promise<void> {
  const config = loadConfig();
  const secret = config.ARENA_JWT_SECRET ?? readDevSecret(config.ARENA_DEV_SECRET_FILE);
  if (!secret) throw new Error("set ARENA_JWT_SECRET to the server's, or start a dev server first (it writes its secret to ARENA_DEV_SECRET_FILE)");
  const token = await botToken(secret, "player", `bot-${options.clientId + 1}`);
  running.push(await joinMatchBot(options.endpoint, options.roomName, options.clientId + 1, { token, inputFrames: true }));
  if (running.length === 1) {
    // One summary line for all bots every 5 s, in the loadtest's log pane.
    setInterval(() => {
      const latencies = running.flatMap((b) => b.stats.latenciesMs.splice(0));
      const s = summarizeLatencies(latencies);
      console.log(`${running.length} bots: input->state p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms over ${latencies.length} inputs`);
    }, 5000);
  }
}

if (require.main === module) cli(main);

/**
 * A match bot: joins `match`, sends `input` at 60 Hz with random intentions and
 * decodes the state with colyseus.js. Standalone, against a running server:
 *
 *   npm run loadtest -- --endpoint ws://localhost:2567 --room match --numClients 120
 *
 * (@colyseus/loadtest 0.16 exports `cli(main)`; its old `colyseus-loadtest <script>`
 * binary only prints a deprecation notice.) The benchmark uses the same bot
 * through `joinMatchBot`.
 */
import { cli, Options } from "@colyseus/loadtest";
import { Client, Room } from "colyseus.js";
import type WebSocket from "ws";
import type { MatchState } from "../schema/MatchState";
import { Bot, BotTransport } from "./bot/Bot";
import { summarizeLatencies } from "./bot/summary";

function colyseusTransport(room: Room<MatchState>): BotTransport {
  // colyseus.js 0.16 keeps its `ws` socket on the transport; its declared type hides it.
  const socket = (room.connection.transport as unknown as { ws: WebSocket }).ws;
  return {
    socket,
    sendInput: (input) => room.send("input", input),
    onState: (listener) => room.onStateChange((state) => listener(state.players?.get(room.sessionId)?.ack ?? 0)),
    onError: (listener) => room.onMessage("error", () => listener()),
    onClose: (listener) => room.onLeave(() => listener()),
    close: async () => {
      await room.leave(true);
    },
  };
}

/** Joins (or creates) a match on `endpoint` and returns a started bot; `seed` picks its intentions. */
export async function joinMatchBot(endpoint: string, roomName: string, seed: number): Promise<Bot> {
  const room = await new Client(endpoint).joinOrCreate<MatchState>(roomName);
  const bot = new Bot(colyseusTransport(room), seed);
  bot.start();
  return bot;
}

const running: Bot[] = [];

async function main(options: Options): Promise<void> {
  running.push(await joinMatchBot(options.endpoint, options.roomName, options.clientId + 1));
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

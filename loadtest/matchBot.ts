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
 * benchmark runs the same bot (loadtest/bot/colyseusBot.ts) in its fleet.
 */
import { cli, Options } from "@colyseus/loadtest";
import { readDevSecret } from "../server/auth/devSecret";
import { loadConfig } from "../server/config";
import type { Bot } from "./bot/Bot";
import { joinMatchBot } from "./bot/colyseusBot";
import { summarizeLatencies } from "./bot/summary";
import { botToken } from "./bot/token";

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

cli(main);

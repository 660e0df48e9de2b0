import type { Broadcast } from "../schema/serverMessages";
import type { BenchPayload, DisplayBot, DisplayStats } from "./bot/DisplayStats";
import { clientWithToken } from "./bot/colyseusBot";

/**
 * A signage display on Arena: joins the lobby room `roomId` with a display token
 * and `{channels: [channel]}`, and records each `broadcast`. It does not verify
 * the JWS (client/SignageDisplay does): that would measure the bot's CPU, not
 * the fan-out. The bench's stock Colyseus LobbyRoom takes the same displays and
 * ignores the token and the channels (it sends every display every broadcast).
 */
export async function joinDisplayBot(endpoint: string, roomId: string, channel: string, token: string, stats: DisplayStats): Promise<DisplayBot> {
  const room = await clientWithToken(endpoint, token).joinById(roomId, { channels: [channel] });
  const seen = new Set<number>();
  room.onMessage("broadcast", (b: Broadcast) => stats.received(seen, b.seq, b.payload as BenchPayload));
  // The match listing (`rooms`, `+`, `-`) and notices are not measured.
  room.onMessage("*", () => {});
  room.onLeave(() => stats.disconnects++);
  return { close: async () => void (await room.leave(true)) };
}

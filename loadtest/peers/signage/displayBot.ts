import WebSocket from "ws";
import type { BenchPayload, DisplayBot, DisplayStats } from "../../bot/DisplayStats";
import type { PeerBroadcast } from "./protocol";

/** A display on the signage peer: one socket subscribed to `channel`, JSON frames. */
export async function joinPeerDisplay(endpoint: string, channel: string, stats: DisplayStats): Promise<DisplayBot> {
  const socket = new WebSocket(`${endpoint}/?channels=${encodeURIComponent(channel)}`);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const seen = new Set<number>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as PeerBroadcast;
    if (message.type === "broadcast") stats.received(seen, message.seq, message.payload as BenchPayload);
  });
  socket.on("close", () => stats.disconnects++);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once("close", () => resolve());
        socket.close();
      }),
  };
}

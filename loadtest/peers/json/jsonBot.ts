import WebSocket from "ws";
import { Bot, BotTransport } from "../../bot/Bot";
import type { FireMode } from "../../bot/intentions";
import type { JsonClientMessage, JsonServerMessage } from "./protocol";

/** The JSON peer's side of a bot: the same Bot, speaking JSON text frames. */
export async function joinJsonBot(url: string, seed: number, fireMode?: FireMode): Promise<Bot> {
  const socket = new WebSocket(url);
  const id = await new Promise<string>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("message", (data) => {
      const message = JSON.parse(String(data)) as JsonServerMessage;
      if (message.type === "welcome") resolve(message.id);
      else reject(new Error(`expected welcome, got ${message.type}`));
    });
  });
  const stateListeners: ((ack: number, tick: undefined) => void)[] = [];
  const errorListeners: (() => void)[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as JsonServerMessage;
    if (message.type === "state") {
      const ack = message.state.players[id]?.ack ?? 0;
      // The peer's state has no tick: its shots are judged now, without lag compensation.
      for (const listener of stateListeners) listener(ack, undefined);
    } else if (message.type === "error") {
      for (const listener of errorListeners) listener();
    }
  });
  const transport: BotTransport = {
    socket,
    sendInput: (input) => socket.send(JSON.stringify({ type: "input", ...input } satisfies JsonClientMessage)),
    onState: (listener) => stateListeners.push(listener),
    onError: (listener) => errorListeners.push(listener),
    onClose: (listener) => socket.on("close", listener),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once("close", () => resolve());
        socket.close();
      }),
  };
  const bot = new Bot(transport, seed, fireMode);
  bot.start();
  return bot;
}

import { Client, Room } from "colyseus.js";
import { withoutTokenInUrl } from "../../client/withoutTokenInUrl";
import type { Role } from "../../server/auth/identity";
import { testToken } from "../helpers";
import type { ArenaNode } from "./ArenaNode";

/** A colyseus.js client of `node` with a fresh token of `role` named `name`. */
export async function nodeClient(node: ArenaNode, role: Role, name: string = role): Promise<Client> {
  return clientWithToken(node, await testToken({ name, role }));
}

/** A colyseus.js client of `node` presenting `token` (e.g. the same identity on another node). */
export function clientWithToken(node: ArenaNode, token: string): Client {
  const client = new Client(node.ws, { urlBuilder: withoutTokenInUrl });
  client.auth.token = token;
  return client;
}

/** Port of the node a room's socket actually connected to (from the seat reservation's public address). */
export function portOf(room: Room): number {
  return Number(new URL((room.connection.transport as unknown as { ws: { url: string } }).ws.url).port);
}

/** The match ids a lobby client lists, kept current from its `rooms`, `+` and `-` messages. */
export function listedBy(lobby: Room): Set<string> {
  const listed = new Set<string>();
  lobby.onMessage("rooms", (rooms: { roomId: string }[]) => {
    listed.clear();
    for (const room of rooms) listed.add(room.roomId);
  });
  lobby.onMessage("+", ([roomId]: [string]) => listed.add(roomId));
  lobby.onMessage("-", (roomId: string) => listed.delete(roomId));
  return listed;
}

import { botToken } from "../bot/token";
import { sleep } from "./processes";

/** A server node of the display scenario; `roomId` is filled with its lobby's. */
export interface LobbyNode {
  name: string;
  port: number;
  roomId?: string;
}

/**
 * One lobby room per node, created through matchmaking (`create`) until every
 * node holds one: Arena places a new room on the least loaded live node, so the
 * creations alternate once the nodes' room counts are shared (Colyseus persists
 * them at most once a second). A single node gets its one lobby at once.
 */
export async function lobbiesPerNode(nodes: LobbyNode[], secret: string): Promise<void> {
  const token = await botToken(secret, "display", "bench-setup");
  for (let attempt = 0; attempt < 30 && nodes.some((n) => !n.roomId); attempt++) {
    const via = nodes.find((n) => !n.roomId)!;
    const res = await fetch(`http://127.0.0.1:${via.port}/matchmake/create/lobby`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: "{}",
    });
    if (!res.ok) throw new Error(`creating a lobby on ${via.name}: ${res.status} ${await res.text()}`);
    const { room } = (await res.json()) as { room: { roomId: string; publicAddress?: string } };
    const owner = nodes.length === 1 ? nodes[0] : nodes.find((n) => room.publicAddress === `127.0.0.1:${n.port}`);
    if (owner && !owner.roomId) owner.roomId = room.roomId;
    if (nodes.some((n) => !n.roomId)) await sleep(1100);
  }
  const without = nodes.filter((n) => !n.roomId);
  if (without.length) throw new Error(`no lobby room could be placed on ${without.map((n) => n.name).join(", ")}`);
}


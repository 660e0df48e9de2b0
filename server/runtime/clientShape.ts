import type { Client } from "@colyseus/core";

/**
 * What Colyseus 0.16 adds to a client between the room's `_onJoin` and the join acknowledgement
 * (`Room._onJoin`, `Room._onMessage`), and the `view` a room with state views gives it as it joins
 * (Colyseus reads each only for truthiness, so an empty one reads as absent).
 */
const ADDED_BEFORE_JOIN_ACK = ["reconnectionToken", "_afterNextPatchQueue", "auth", "_joinedAt", "view"] as const;
const DELETED_AT_JOIN_ACK = "_enqueuedMessages";

/**
 * Gives a joining `client` its room type's `raw` (server/runtime/clientRaw.ts), laying out its own
 * properties so that it keeps fast properties after its join. At the join acknowledgement Colyseus
 * 0.16 deletes `_enqueuedMessages`, which the transport's client sets in its constructor: V8 moves an
 * object whose property is deleted to a dictionary of properties unless its last change was adding
 * that property, and the dictionary cost 448 bytes a client in the display benchmark's heap snapshot
 * (`loadtest/displayHeapBySnapshot.ts`), more with `raw` in it. So `_enqueuedMessages` and what was
 * added after it are taken off (last first: each delete undoes the last addition) and put back after
 * the properties Colyseus adds before the acknowledgement, added now, empty, and `raw`: the delete
 * then undoes the last addition. (Setting the client's prototype instead of `raw` defeats that.)
 * A room that adds another property before the acknowledgement gets the dictionary as before.
 */
export function adoptJoiningClient(client: Client, raw: Client["raw"]): void {
  const own = client as unknown as Record<string, unknown>;
  if (!Object.hasOwn(own, DELETED_AT_JOIN_ACK)) {
    client.raw = raw;
    return;
  }
  const names = Object.keys(own);
  const [queued, ...after] = names.slice(names.indexOf(DELETED_AT_JOIN_ACK)).map((name) => [name, own[name]] as const);
  for (const [name] of [queued, ...after].reverse()) delete own[name];
  for (const [name, value] of after) own[name] = value;
  for (const name of ADDED_BEFORE_JOIN_ACK) if (!Object.hasOwn(own, name)) own[name] = undefined;
  own.raw = raw;
  own[DELETED_AT_JOIN_ACK] = queued[1];
}

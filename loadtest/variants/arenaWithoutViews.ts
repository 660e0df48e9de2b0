/**
 * Bench variant "Arena, views off": Arena as shipped except that no client is
 * given a StateView, so every patch is encoded once for all clients and the
 * view-tagged fields (teammates' ammo and reload, own queue depth) reach nobody.
 * Compared with Arena in the same run it prices the team-private state. Not a
 * product setting: the bench replaces MatchRoom's view refresh from outside.
 */
import { MatchRoom } from "../../rooms/MatchRoom";

const prototype = MatchRoom.prototype as unknown as { refreshViews?: () => void };
if (typeof prototype.refreshViews !== "function") {
  throw new Error("MatchRoom has no refreshViews any more: update loadtest/variants/arenaWithoutViews.ts");
}
prototype.refreshViews = () => {};

// Loaded only now, so the rooms it defines are the patched ones.
void import("../../main");

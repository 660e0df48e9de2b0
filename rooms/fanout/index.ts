import type { Presence } from "@colyseus/core";
import { matchMaker } from "@colyseus/core";
import { loadConfig } from "../../server/config";
import { Fanout } from "./Fanout";

const perPresence = new WeakMap<Presence, Fanout>();

/** The process's fan-out over the given presence (one per presence: rooms and HTTP share it). */
export function fanoutFor(presence: Presence): Fanout {
  let fanout = perPresence.get(presence);
  if (!fanout) {
    fanout = new Fanout(presence, matchMaker.processId, loadConfig().ARENA_CHANNEL_BACKLOG);
    perPresence.set(presence, fanout);
  }
  return fanout;
}

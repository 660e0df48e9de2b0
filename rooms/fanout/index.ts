import type { Presence } from "@colyseus/core";
import { matchMaker } from "@colyseus/core";
import { Gauge } from "prom-client";
import { loadConfig } from "../../server/config";
import { registry } from "../../server/metrics";
import { Fanout } from "./Fanout";
import { signageChannelOf } from "./keys";

const perPresence = new Map<Presence, Fanout>();

/** The process's fan-out over the given presence (one per presence: rooms and HTTP share it). */
export function fanoutFor(presence: Presence): Fanout {
  let fanout = perPresence.get(presence);
  if (!fanout) {
    fanout = new Fanout(presence, matchMaker.processId, loadConfig().ARENA_CHANNEL_BACKLOG);
    perPresence.set(presence, fanout);
  }
  return fanout;
}

// Signage channels only: match channels are per room and would explode the label set.
new Gauge({
  name: "arena_signage_subscribers",
  help: "Local subscribers per signage channel.",
  labelNames: ["channel"],
  registers: [registry],
  collect() {
    this.reset();
    for (const fanout of perPresence.values()) {
      for (const [key, n] of fanout.subscriberCounts()) {
        const channel = signageChannelOf(key);
        if (channel !== undefined) this.labels(channel).inc(n);
      }
    }
  },
});

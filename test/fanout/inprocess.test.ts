import { LocalPresence } from "@colyseus/core";
import { InProcessChannelStore } from "../../rooms/fanout/InProcessChannelStore";
import { audienceContract } from "./audience";
import { fanoutContract, PresenceFactory } from "./contract";

async function inProcess(): Promise<PresenceFactory> {
  // One process: every simulated node shares the presence and the store.
  const presence = new LocalPresence();
  const store = new InProcessChannelStore(presence, 5);
  return { node: () => ({ presence, store }), cleanup: async () => presence.shutdown() };
}

fanoutContract("in-process presence", inProcess);
audienceContract("in-process presence", inProcess);

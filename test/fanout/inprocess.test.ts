import { LocalPresence } from "@colyseus/core";
import { InProcessChannelStore } from "../../rooms/fanout/InProcessChannelStore";
import { fanoutContract } from "./contract";

fanoutContract("in-process presence", async () => {
  // One process: every simulated node shares the presence and the store.
  const presence = new LocalPresence();
  const store = new InProcessChannelStore(presence, 5);
  return { node: () => ({ presence, store }), cleanup: async () => presence.shutdown() };
});

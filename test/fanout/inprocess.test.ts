import { LocalPresence } from "@colyseus/core";
import { fanoutContract } from "./contract";

fanoutContract("in-process presence", async () => {
  const shared = new LocalPresence();
  return { node: () => shared, cleanup: async () => shared.shutdown() };
});

import type { UserMessage } from "../../schema/serverMessages";
import { clientWithToken } from "./colyseusBot";
import type { UserDeviceLedger } from "./UserDeviceLedger";

/**
 * One device of a user on Arena: joins (or creates) a `lobby` with a token of
 * its user's identity, so the lobby opens its user channel feed, and records
 * each `user` message in `ledger`. Returns how to close it.
 */
export async function joinUserDevice(endpoint: string, token: string, ledger: UserDeviceLedger): Promise<{ close(): Promise<void> }> {
  const room = await clientWithToken(endpoint, token).joinOrCreate("lobby", { userChannel: true });
  room.onMessage("user", (m: UserMessage) => ledger.received(m));
  for (const type of ["gap", "reset"]) room.onMessage(type, () => ledger.tally.notices++);
  // The match listing (`rooms`, `+`, `-`) is not measured.
  room.onMessage("*", () => {});
  room.onLeave(() => (ledger.tally.disconnected = true));
  return { close: async () => void (await room.leave(true)) };
}

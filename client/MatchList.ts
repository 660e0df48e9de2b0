import type { Client, Room, RoomAvailable } from "colyseus.js";
import type { MatchListingMetadata } from "../schema/listing";
import { Listeners } from "./listeners";

export type MatchListing = RoomAvailable<MatchListingMetadata>;

/**
 * The lobby's live list of open matches (any role may watch it): the full
 * list on joining (`rooms`), then each change (`+` added or updated, `-` gone).
 */
export class MatchList {
  readonly matches = new Map<string, MatchListing>();
  private readonly listeners = new Listeners<[matches: MatchListing[]]>();

  private constructor(readonly room: Room) {
    room.onMessage("rooms", (all: MatchListing[]) => {
      this.matches.clear();
      for (const m of all) this.matches.set(m.roomId, m);
      this.changed();
    });
    room.onMessage("+", ([roomId, listing]: [string, MatchListing]) => {
      this.matches.set(roomId, listing);
      this.changed();
    });
    room.onMessage("-", (roomId: string) => {
      if (this.matches.delete(roomId)) this.changed();
    });
    // A listing only: signage and the identity's user channel are read by SignageDisplay and MatchSession.
    for (const type of ["broadcast", "gap", "reset", "error", "user"]) room.onMessage(type, () => {});
  }

  static async join(client: Client): Promise<MatchList> {
    return new MatchList(await client.joinOrCreate("lobby", { listing: true }));
  }

  /** Called with every open match, oldest first, after each change. */
  onChange(listener: (matches: MatchListing[]) => void): () => void {
    return this.listeners.add(listener);
  }

  leave(): Promise<number> {
    return this.room.leave(true);
  }

  private changed(): void {
    this.listeners.emit([...this.matches.values()]);
  }
}

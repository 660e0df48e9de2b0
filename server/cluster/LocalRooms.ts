import type { RegisteredHandler, Room } from "@colyseus/core";

/**
 * The rooms this process hosts, from matchmaking's per-room-type events
 * (Colyseus 0.16 keeps its own list private). The composition root tracks
 * every room type it defines.
 */
export class LocalRooms implements Iterable<Room> {
  private readonly rooms = new Set<Room>();

  /** Follows the rooms of one defined type; returns the handler for chaining. */
  track(handler: RegisteredHandler): RegisteredHandler {
    handler.on("create", (room: Room) => this.rooms.add(room));
    handler.on("dispose", (room: Room) => this.rooms.delete(room));
    return handler;
  }

  [Symbol.iterator](): Iterator<Room> {
    return this.rooms.values();
  }
}

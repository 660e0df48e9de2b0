/** The signage peer's wire: displays connect to `/?channels=a,b` and receive JSON text frames. */
export interface PeerBroadcast {
  type: "broadcast";
  channel: string;
  seq: number;
  payload: unknown;
}

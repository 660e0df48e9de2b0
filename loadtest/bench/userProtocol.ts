/** How the user channel scenario talks to its device fleets and pushers (Node IPC). */
import type { DeviceLatencies, DeviceTally } from "../bot/UserDeviceLedger";

export interface DeviceFleetConfig {
  endpoint: string;
  /** The HS256 secret each device signs its user's `display` token with. */
  secret: string;
  /** This fleet's devices: device d (from firstDevice) belongs to user floor(d / devicesPerUser). */
  firstDevice: number;
  devices: number;
  devicesPerUser: number;
  /** Joins in flight at once. */
  concurrency: number;
}

export type ToDeviceFleet = { type: "report" } | { type: "stop" };

export type FromDeviceFleet =
  /** `seconds`: from the fleet's first join request to its last device joined. */
  | { type: "connected"; devices: number; seconds: number }
  /** Every 250 ms: devices joined so far, and user messages of their own user they received. */
  | { type: "progress"; connected: number; delivered: number }
  | { type: "result"; devices: DeviceTally[]; latencies: DeviceLatencies }
  | { type: "failed"; error: string };

export interface PusherConfig {
  /** Arena's HTTP base, `http://127.0.0.1:<port>`. */
  base: string;
  /** A `service` token. */
  token: string;
  /** This pusher's users: firstUser .. firstUser + users - 1. */
  firstUser: number;
  users: number;
  /** This pusher's share of the push rate, messages a second. */
  rate: number;
  seconds: number;
  /** Requests in flight at most (one keep-alive connection each). */
  inFlight: number;
  /** Messages per request: 1 posts each to /api/users/:sub/messages, more go in batches to /api/users/messages. */
  batch: number;
}

/** `warm`: one push to each user (n = 0), not measured; `push`: the measured window. */
export type ToPusher = { type: "warm" } | { type: "push" } | { type: "stop" };

/** What one round of pushes (warm-up or measured) did. */
export interface PushRound {
  /** accepted[i]: pushes to user firstUser + i the server answered 201. */
  accepted: number[];
  /** Requests that failed or got another status, with one example. */
  failed: number;
  firstFailure?: string;
  /** wallClockMs() of the first request sent and the last response. */
  startedAt: number;
  endedAt: number;
  /** Per accepted push: request sent -> response complete (ms). */
  responseMs: number[];
  /** Measured window: pushes of the schedule never sent because the window ended while `inFlight` were unanswered (the rate was not held). */
  unsent: number;
}

export type FromPusher =
  /** Every 250 ms during a round: requests answered so far in it. */
  | { type: "progress"; answered: number }
  | { type: "warmed"; round: PushRound }
  | { type: "pushed"; round: PushRound }
  | { type: "failed"; error: string };

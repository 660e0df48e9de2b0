import type { Admission } from "../server/admission";
import type { ArenaConfig } from "../server/config";
import type { ArenaMetrics } from "../server/metrics";
import type { LoadShedder } from "../server/limits/loadShedding";
import type { CountingRaws } from "../server/runtime/clientRaw";
import type { StepCalendar } from "../server/runtime/StepCalendar";
import type { Fanout } from "./fanout/Fanout";
import type { BroadcastEncoder } from "./lobby/signage";
import type { SignageChannels } from "./lobby/SignageChannels";

/**
 * What the rooms and routes of one server share, built once by the composition
 * root (arena.config.ts) and handed to them: no room or route finds it in a
 * module of its own.
 */
export interface ArenaContext {
  readonly config: ArenaConfig;
  /** Matchmaking's gate: rate, connection cap, token, role. */
  readonly admission: Admission;
  /** The one path of channel messages (chat, signage). */
  readonly fanout: Fanout;
  /** When this node's match ticks are due: the fan-out's deliveries keep clear of them. */
  readonly ticks: StepCalendar;
  /** Signs and frames signage broadcasts as they are delivered, once per message on this node. */
  readonly broadcasts: BroadcastEncoder;
  /** The signage channels in use, bounded in number and forgotten when idle. */
  readonly signageChannels: SignageChannels;
  readonly metrics: ArenaMetrics;
  /** The counting, frame-writing `raw` of every client. */
  readonly raws: CountingRaws;
  /** Refuses HTTP publishes while the node runs late (first on every publish route). */
  readonly loadShedder: LoadShedder;
}

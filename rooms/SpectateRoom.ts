import { Client, matchMaker, ServerError } from "@colyseus/core";
import type { AuthContext } from "@colyseus/core";
import { ArenaRoom } from "./ArenaRoom";
import { MatchRoom } from "./MatchRoom";
import { copyPublicState } from "./matchStateCopy";
import { MatchState } from "../schema/MatchState";
import { CloseCode, ErrorCode } from "../schema/codes";
import { describeIssues, SpectateJoinOptions } from "../schema/messages";
import type { Role } from "../server/auth/identity";
import type { Admitted } from "../server/admission";

/** Spectators need no 60 Hz: they are drawn interpolated, a render delay behind. */
const PATCH_MS = 1000 / 30;
/** Past this many, `joinOrCreate` opens another spectator room for the same match. */
const SPECTATORS_PER_ROOM = 50;

/**
 * A read-only window on one match, for any authenticated role. Spectators take
 * no seat in the match and cannot act in it: this room handles no message
 * (anything sent is `unknown_type`). Before each patch it copies the match's
 * public state (never the team-private or player-private fields) into its own
 * MatchState, so clients decode the same classes as players do.
 *
 * It must live on the match's node (arena.config.ts places it there): it reads
 * the match room in memory. Joined with `joinOrCreate("spectate", {match})`;
 * `filterBy(["match"])` gathers a match's spectators in one room.
 */
export class SpectateRoom extends ArenaRoom<MatchState> {
  static override allowedRoles: readonly Role[] = ["player", "display", "operator"];
  maxClients = SPECTATORS_PER_ROOM;
  private match!: MatchRoom;
  private gone = false;

  /** Refuses an unknown match before any room is found or made for it. */
  static override async onAuth(token: string, options: unknown, context: AuthContext): Promise<Admitted> {
    const identity = await super.onAuth(token, options, context);
    const parsed = SpectateJoinOptions.safeParse(options ?? {});
    if (!parsed.success) throw new ServerError(400, `invalid join options: ${describeIssues(parsed.error)}`);
    const listing = await matchMaker.getRoomById(parsed.data.match);
    if (listing?.name !== "match") throw new ServerError(404, `${ErrorCode.NOT_FOUND}: no match ${parsed.data.match}`);
    return identity;
  }

  /** The node a new spectator room for `options.match` must be created on. */
  static async nodeFor(options: unknown): Promise<string> {
    const parsed = SpectateJoinOptions.safeParse(options ?? {});
    const listing = parsed.success ? await matchMaker.getRoomById(parsed.data.match) : undefined;
    return listing?.processId ?? matchMaker.processId;
  }

  onCreate(options: unknown): void {
    const { match: matchId } = SpectateJoinOptions.parse(options);
    const match = matchMaker.getLocalRoomById(matchId);
    if (!(match instanceof MatchRoom)) throw new ServerError(404, `${ErrorCode.NOT_FOUND}: match ${matchId} is not on this node`);
    this.match = match;
    this.setState(new MatchState());
    copyPublicState(match.state, this.state);
    this.setPatchRate(PATCH_MS);
  }

  onJoin(client: Client): void {
    this.openUserFeed(client);
  }

  onBeforePatch(): void {
    if (this.gone) return;
    if (matchMaker.getLocalRoomById(this.match.roomId) !== this.match) {
      this.gone = true;
      void this.disconnect(CloseCode.MATCH_GONE);
      return;
    }
    copyPublicState(this.match.state, this.state);
  }
}

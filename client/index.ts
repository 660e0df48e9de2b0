/**
 * The Arena SDK's public surface: what `@arena/sdk` exports (client/package.json).
 * The browser pages and a game import the same modules.
 */
export { arenaClient } from "./arenaClient";
export { guest } from "./guest";
export { ArenaHttpError } from "./http";
export { MatchSession, MATCH_GONE_CONFIRM_MS } from "./MatchSession";
export type { ConnectionStatus, MatchFrame, MatchSessionOptions } from "./MatchSession";
export { runInputLoop } from "./inputLoop";
export type { InputLoopOptions } from "./inputLoop";
export { Interpolation, DEFAULT_RENDER_DELAY_TICKS } from "./interpolation";
export type { Pose } from "./interpolation";
export { OwnPlayerPrediction } from "./prediction";
export { Spectator } from "./Spectator";
export { MatchList } from "./MatchList";
export type { MatchListing } from "./MatchList";
export { SignageDisplay } from "./SignageDisplay";
export type { DisplayStatus, SignageDisplayOptions } from "./SignageDisplay";
export { UserChannel } from "./UserChannel";
export { Operator, OperatorWatch } from "./Operator";
export { broadcastVerifier } from "./verifyBroadcast";
export type { Verifier } from "./verifyBroadcast";
export { DEFAULT_RECONNECT_POLICY, backoffDelay, shouldReconnect } from "./reconnect";
export type { ReconnectPolicy } from "./reconnect";
export { withoutTokenInUrl } from "./withoutTokenInUrl";
export { ackOf, headingRadians, MatchState, PlayerState, tickOf } from "../schema/MatchState";
export { CloseCode, ErrorCode, closeCodeMeaning } from "../schema/codes";
export type { ErrorMessage } from "../schema/codes";
export type { PlayerControls, PlayerInput } from "../schema/input";
export type { Broadcast, UserMessage } from "../schema/serverMessages";

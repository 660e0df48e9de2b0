import { Client, matchMaker, ServerError, updateLobby } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import { ArenaRoom } from "./ArenaRoom";
import { MatchChannels } from "./chat/MatchChannels";
import { ALL_CHANNEL, playerChannel, teamChannel } from "./fanout/keys";
import { copyMatchState, copyPlayerState } from "./matchStateCopy";
import { playerView } from "./matchViews";
import { sendTickPatch } from "../server/runtime/sharedPatch";
import { Simulation, MatchEvent } from "./match/Simulation";
import { TEAM_SIZE, TICK_SECONDS } from "./match/rules";
import { MatchState, PlayerState } from "../schema/MatchState";
import { describeIssues, MatchJoinOptions, MatchMessageType, readInputs, ResumeMessage } from "../schema/messages";
import { clampInput, PlayerInput } from "../schema/input";
import { CloseCode, ErrorCode } from "../schema/codes";
import type { MatchListingMetadata } from "../schema/listing";
import { FixedStepLoop } from "../server/runtime/FixedStepLoop";
import { RelayRecorder, TickRecorder } from "../server/metrics";

/**
 * Adapter between Colyseus and the rules: validated, clamped messages become inputs,
 * a drift-corrected loop steps the simulation at 60 Hz, and the patch goes out
 * right after each wake's steps (no separate patch timer).
 */
export class MatchRoom extends ArenaRoom<MatchState> {
  static override allowedRoles = ["player"] as const;
  maxClients = TEAM_SIZE * 2;
  protected override readonly messageRates = {
    [MatchMessageType.INPUT]: { perSecond: this.config.ARENA_INPUT_RATE, burst: this.config.ARENA_INPUT_BURST },
    [MatchMessageType.CHAT]: { perSecond: this.config.ARENA_CHAT_RATE, burst: this.config.ARENA_CHAT_BURST },
    // Debounced to one forwarded per ARENA_TYPING_DEBOUNCE_SECONDS anyway; this only caps the work.
    [MatchMessageType.TYPING]: { perSecond: 5, burst: 5 },
    [MatchMessageType.RESUME]: { perSecond: 1, burst: 3 },
  };
  /** Fixed steps run since creation; public for tests and diagnostics. */
  simulationSteps = 0;
  private sim!: Simulation;
  private loop!: FixedStepLoop;
  private channels!: MatchChannels;
  /** Reconnected players whose `resume` has not come yet, with the timer that resumes them anyway. */
  private readonly awaitingResume = new Map<string, Delayed>();
  /** What the lobby last heard of this match; republished only when it changes. */
  private listedAs = "";
  /** Set on SIGTERM: the room closes when the live round ends (or the drain timeout passes). */
  private draining = false;
  private readonly ticks = new TickRecorder(this.metrics, "match", TICK_SECONDS);
  private readonly sharedPatches = this.metrics.patchesSent.tally("match", "shared");
  private readonly perViewPatches = this.metrics.patchesSent.tally("match", "per_view");

  onCreate(): void {
    this.setState(new MatchState());
    this.setPatchRate(null);
    this.sim = new Simulation({
      timings: {
        countdownSeconds: this.config.ARENA_COUNTDOWN_SECONDS,
        roundSeconds: this.config.ARENA_ROUND_SECONDS,
        endedSeconds: this.config.ARENA_ENDED_SECONDS,
        respawnSeconds: this.config.ARENA_RESPAWN_SECONDS,
      },
      inputQueueSize: this.config.ARENA_INPUT_QUEUE,
      rewindMs: this.config.ARENA_REWIND_MS,
    });
    const chatLimits = { maxLength: this.config.ARENA_CHAT_MAX_LENGTH, typingDebounceMs: this.config.ARENA_TYPING_DEBOUNCE_SECONDS * 1000 };
    this.channels = new MatchChannels(this.context.fanout, this.roomId, chatLimits, this.sessions, new RelayRecorder(this.metrics, "chat"));
    this.onMessage(MatchMessageType.INPUT, (client, message) => this.onInput(client, message));
    this.onMessage(MatchMessageType.CHAT, (client, message) => this.onChat(client, message));
    this.onMessage(MatchMessageType.TYPING, (client) => this.onTyping(client));
    this.onMessage(MatchMessageType.RESUME, (client, message) => this.onResume(client, message));
    this.loop = new FixedStepLoop({
      stepSeconds: TICK_SECONDS,
      maxCatchUpSteps: this.config.ARENA_MAX_CATCHUP_STEPS,
      step: (dt) => {
        this.sim.step(dt);
        this.simulationSteps++;
      },
      afterSteps: (steps, workStartMs, sinceLastWakeMs) => {
        this.writeState();
        // Encoded once for everyone on ticks when no client's view has anything of its own (server/runtime/sharedPatch.ts).
        (sendTickPatch(this.state, this.clients, () => this.broadcastPatch()) ? this.sharedPatches : this.perViewPatches).value++;
        this.ticks.record(steps, performance.now() - workStartMs, sinceLastWakeMs);
        // Draining: the round's final patch (phase ended, winner) is out; now close.
        if (this.draining && this.sim.phase !== "live") {
          this.draining = false;
          void this.disconnect(CloseCode.SERVER_SHUTTING_DOWN);
        }
      },
      onError: (error) => this.onUncaughtException(Object.assign(new Error("tick failed"), { cause: error }) as never, "setSimulationInterval"),
      calendar: this.context.ticks,
    });
  }

  onJoin(client: Client, options: unknown): void {
    const parsed = MatchJoinOptions.safeParse(options ?? {});
    if (!parsed.success) throw new ServerError(400, `invalid join options: ${describeIssues(parsed.error)}`);
    const { name } = this.identity(client);
    const player = this.sim.addPlayer(client.sessionId, name, parsed.data.team);
    if (!player) throw new ServerError(409, "both teams are full");
    const view = new PlayerState();
    view.name = name;
    this.state.players.set(client.sessionId, view);
    copyPlayerState(player, view, this.sim.tick);
    // A match ticks from its first player on: one made and never joined costs no CPU until Colyseus disposes it.
    this.loop.start();
    this.channels.join(player);
    this.openUserFeed(client);
    this.refreshViews();
  }

  async onLeave(client: Client, consented: boolean): Promise<void> {
    const id = client.sessionId;
    if (consented || this.wasKicked(client)) return this.removePlayer(id);
    // Keep the seat: entity, team, score stay; the player shows as disconnected.
    this.sim.setConnected(id, false);
    this.channels.pause(id);
    try {
      const back = await this.allowReconnection(client, this.config.ARENA_RECONNECT_GRACE_SECONDS);
      this.sim.setConnected(id, true);
      this.refreshViews();
      // Give the client a moment to report the seqs it saw; otherwise resume after what was sent.
      this.awaitingResume.set(id, this.clock.setTimeout(() => this.resumeChannels(back.sessionId), this.config.ARENA_RESUME_WAIT_SECONDS * 1000));
    } catch {
      await this.removePlayer(id);
    }
  }

  /**
   * The node is draining (SIGTERM; Colyseus already locked the room). A live
   * round is played to its end, bounded by ARENA_DRAIN_TIMEOUT_SECONDS; then
   * everyone is closed with SERVER_SHUTTING_DOWN and rejoins elsewhere.
   */
  onBeforeShutdown(): void {
    if (this.sim.phase !== "live") return void this.disconnect(CloseCode.SERVER_SHUTTING_DOWN);
    this.draining = true;
    void this.channels.notice(ALL_CHANNEL, "this server is restarting: the match closes when the round ends");
    this.clock.setTimeout(() => void this.disconnect(CloseCode.SERVER_SHUTTING_DOWN), this.config.ARENA_DRAIN_TIMEOUT_SECONDS * 1000);
  }

  async onDispose(): Promise<void> {
    this.loop.stop();
    // Colyseus 0.16 never tells lobbies a room is gone.
    updateLobby(this, true);
    await this.channels.dispose();
  }

  private async removePlayer(id: string): Promise<void> {
    const player = this.sim.players.get(id);
    if (!player) return;
    this.sim.removePlayer(id);
    this.state.players.delete(id);
    this.awaitingResume.get(id)?.clear();
    this.awaitingResume.delete(id);
    this.refreshViews();
    await this.channels.remove(id);
    await this.channels.notice(teamChannel(player.team), `${player.name} left the match`);
  }

  private resumeChannels(id: string, lastSeen?: ResumeMessage): void {
    this.awaitingResume.get(id)?.clear();
    this.awaitingResume.delete(id);
    void this.channels.resume(id, lastSeen);
    void this.userFeeds.resume(id, lastSeen);
  }

  private onResume(client: Client, message: unknown): void {
    const parsed = ResumeMessage.safeParse(message);
    if (!parsed.success) return this.refuse(client, ErrorCode.INVALID_MESSAGE, `resume refused: ${describeIssues(parsed.error)}`);
    this.resumeChannels(client.sessionId, parsed.data);
  }

  private onChat(client: Client, message: unknown): void {
    const sender = this.sim.players.get(client.sessionId);
    if (!sender) return;
    const refused = this.channels.chat(sender, message, (id) => this.sim.players.has(id));
    if (refused) this.refuse(client, refused.code, refused.message);
  }

  private onTyping(client: Client): void {
    const sender = this.sim.players.get(client.sessionId);
    if (sender) this.channels.typing(sender, this.clock.currentTime);
  }

  /**
   * One StateView per client: teammates' TEAM fields and its own SELF fields.
   * Rebuilt only when membership changes (join, leave, team move, reconnection),
   * never per tick.
   */
  private refreshViews(): void {
    for (const client of this.clients) {
      const view = playerView(this.sim, this.state, client.sessionId);
      if (view) client.view = view;
    }
  }

  /**
   * Keeps the lobby's listing current: team sizes, phase and when it ends, node.
   * Only on change (a phase end time, not a ticking clock), so lobbies get no per-second churn.
   */
  private updateListing(): void {
    const counts = this.sim.teamCounts();
    const key = `${counts.red}|${counts.blue}|${this.sim.phase}`;
    if (key === this.listedAs) return;
    this.listedAs = key;
    const phaseEndsAt = this.sim.phase === "waiting" ? 0 : Math.round(Date.now() + this.sim.phaseTimeLeft * 1000);
    const listing: MatchListingMetadata = { red: counts.red, blue: counts.blue, phase: this.sim.phase, phaseEndsAt, node: matchMaker.processId };
    void this.setMetadata(listing).then(() => updateLobby(this));
  }

  private onMatchEvent(event: MatchEvent): void {
    if (event.type === "kill") {
      const killer = this.sim.players.get(event.killer);
      const victim = this.sim.players.get(event.victim);
      if (!killer || !victim) return;
      void this.channels.notice(playerChannel(victim.id), `eliminated by ${killer.name}`);
      void this.channels.notice(playerChannel(killer.id), `you eliminated ${victim.name}`);
    } else if (event.type === "team-changed") {
      const player = this.sim.players.get(event.player);
      if (!player) return;
      this.channels.changeTeam(player);
      this.refreshViews();
      void this.channels.notice(playerChannel(player.id), `moved to team ${player.team} to balance the teams`);
    }
  }

  private onInput(client: Client, message: unknown): void {
    const inputs = readInputs(message);
    if (typeof inputs === "string") {
      this.metrics.inputsRejected.labels("invalid").inc();
      return this.refuse(client, ErrorCode.INVALID_MESSAGE, `input refused: ${inputs}`);
    }
    // Queued in order; the first refused ends the message (what follows it would be out of order).
    for (const input of inputs) if (!this.enqueue(client, input)) return;
  }

  /** One input into the player's queue, or its refusal told to the client (false). */
  private enqueue(client: Client, input: PlayerInput): boolean {
    // The one clamp: the rules take the input as it is from here on. `input` is this call's own object
    // (decoded or parsed), so it is corrected in place and queued as is.
    if (clampInput(input)) this.metrics.inputsRejected.labels("clamped").inc();
    const result = this.sim.enqueueInput(client.sessionId, input);
    if (result === "stale") {
      this.metrics.inputsRejected.labels("stale").inc();
      this.refuse(client, ErrorCode.STALE_INPUT, `input seq ${input.seq} is not newer than the last one`);
    } else if (result === "queue_full") {
      this.metrics.inputsRejected.labels("queue_full").inc();
      this.refuse(client, ErrorCode.INPUT_QUEUE_FULL, `more than ${this.sim.inputQueueSize} inputs waiting; send one per tick`);
    }
    return result === "queued";
  }

  /** The simulation into the schema, then what happened this tick: skipped inputs, notices, views, the lobby listing. */
  private writeState(): void {
    const skipped = this.sim.takeSkippedInputs();
    if (skipped > 0) this.metrics.inputsRejected.labels("trimmed").inc(skipped);
    const events = this.sim.drainEvents();
    copyMatchState(this.sim, this.state, events);
    for (const event of events) this.onMatchEvent(event);
    this.updateListing();
  }
}

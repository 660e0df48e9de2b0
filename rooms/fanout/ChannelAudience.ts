import type { DeliveryWork } from "./DeliveryTurns";
import type { ChannelPosition, Fanout, FanoutMessage } from "./Fanout";
import { Subscription } from "./Subscription";
import { logger } from "../../server/logger";

const log = logger.child({ subsystem: "fanout" });

/** What an audience does with a message for its members; one per audience, never per member. */
export interface AudienceOutput {
  /** The bytes every member of this audience gets for `message`, made once per message. */
  encode(message: FanoutMessage): Buffer;
  /** Writes `bytes` (of `message`) to member `id`, if it is connected. */
  write(id: string, bytes: Buffer, message: FanoutMessage): void;
  /** Undefined when member `id` can take more now; else settles once it has read what it holds (a catch-up's pace). */
  whenWritable(id: string): Promise<void> | undefined;
  /** Whether member `id` gets `message` (not a device's own post, nor a player's own typing); all do when absent. */
  wants?(id: string, message: FanoutMessage): boolean;
  /** Messages after `afterSeq` were evicted from the backlog before member `id` could get them. */
  gap(id: string, afterSeq: number): void;
  /** The channel's numbering started again in `epoch` (the store lost it): member `id`'s earlier seqs mean nothing now. */
  reset(id: string, epoch: string): void;
  /** `message` was written to `count` members: all those live when its delivery started. */
  delivered?(message: FanoutMessage, count: number): void;
}

interface Member {
  readonly id: string;
  epoch: string | undefined;
  /** The last seq written to this member. */
  seq: number;
  /** Set while the member is away (its connection dropped): nothing is written, its position is kept. */
  paused: boolean;
  /** Bumped whenever the member's position is set again, so an older catch-up stops. */
  generation: number;
}

/** One message going out to the live members, a slice at a time. */
interface Delivery {
  readonly message: FanoutMessage;
  readonly bytes: Buffer;
  readonly members: Iterator<Member>;
  count: number;
}

/**
 * The members of one room on one channel, fed by one Subscription: each
 * message is encoded once and the same bytes are written to every live member,
 * in order, in the turns the node's DeliveryTurns gives it. A member that starts or resumes behind
 * the audience (a display's retained message, a reconnection's missed chat)
 * catches up alone from the backlog and then joins the live set. A live member
 * that finds a hole (the store lost the channel, the backlog moved past it)
 * does the same, so gaps and resets are told to each member once, from its own
 * position.
 */
export class ChannelAudience implements DeliveryWork {
  private readonly members = new Map<string, Member>();
  private readonly live = new Set<Member>();
  private readonly subscription: Subscription;
  private readonly pending: FanoutMessage[] = [];
  private delivery: Delivery | null = null;
  /** Members whose catch-up failed (the store was unreachable): caught up again when the store is back. */
  private readonly stranded = new Set<Member>();
  private readonly stopResumeWatch: () => void;

  constructor(
    private readonly fanout: Fanout,
    readonly key: string,
    private readonly output: AudienceOutput,
  ) {
    this.subscription = new Subscription(fanout, key, {
      message: (m) => this.onMessage(m),
      // Each live member meets the hole at its next message and reads its own gap or reset.
      gap: () => {},
      reset: () => {},
    }, "latest");
    this.stopResumeWatch = fanout.onStreamResumed(() => {
      const stranded = [...this.stranded];
      this.stranded.clear();
      for (const member of stranded) void this.catchUp(member, { epoch: member.epoch, seq: member.seq });
    });
  }

  get size(): number {
    return this.members.size;
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  /**
   * Adds member `id` from `from`: "latest" (what is published from now on),
   * "retained" (the channel's last message first), or a position (everything
   * after it still in the backlog). Settles once it is live.
   */
  async join(id: string, from: ChannelPosition | "latest" | "retained"): Promise<void> {
    if (this.members.has(id)) return;
    const member: Member = { id, epoch: undefined, seq: 0, paused: false, generation: 0 };
    this.members.set(id, member);
    this.fanout.countMember(this.key, 1);
    await this.subscription.ready;
    if (from === "latest") {
      if (this.members.get(id) !== member || member.paused) return;
      Object.assign(member, this.position());
      this.live.add(member);
      return;
    }
    if (from === "retained") {
      const { epoch, seq } = this.position();
      return this.catchUp(member, { epoch, seq: Math.max(0, seq - 1) });
    }
    return this.catchUp(member, from);
  }

  /** Stops writing to member `id` while it is away; its position is kept for `resume`. */
  pause(id: string): void {
    const member = this.members.get(id);
    if (!member) return;
    member.paused = true;
    member.generation++;
    this.live.delete(member);
    this.stranded.delete(member);
  }

  /** Resumes member `id` after `from` (default: after the last message written to it), replaying the backlog. */
  resume(id: string, from?: ChannelPosition): Promise<void> {
    const member = this.members.get(id);
    if (!member) return Promise.resolve();
    member.paused = false;
    return this.catchUp(member, from ?? { epoch: member.epoch, seq: member.seq });
  }

  /** Where member `id` stands, if it is a member. */
  positionOf(id: string): ChannelPosition | undefined {
    const member = this.members.get(id);
    return member && { epoch: member.epoch, seq: member.seq };
  }

  leave(id: string): void {
    const member = this.members.get(id);
    if (!member) return;
    this.pause(id);
    this.members.delete(id);
    this.fanout.countMember(this.key, -1);
  }

  close(): void {
    this.subscription.close();
    this.stopResumeWatch();
    this.stranded.clear();
    for (let n = this.members.size; n > 0; n--) this.fanout.countMember(this.key, -1);
    this.members.clear();
    this.live.clear();
    this.pending.length = 0;
    this.delivery = null;
  }

  /** How far the audience's own cursor got: every message up to it is delivered or queued. */
  private position(): { epoch: string | undefined; seq: number } {
    return { epoch: this.subscription.epoch, seq: this.subscription.lastSeq ?? 0 };
  }

  /**
   * Writes to `member` what the backlog holds after `from`, then adds it to the
   * live set once it is no longer behind the audience's cursor: from then on
   * queued and live messages reach it in order, each once (the seq check in `offer`).
   */
  private async catchUp(member: Member, from: ChannelPosition): Promise<void> {
    this.live.delete(member);
    this.stranded.delete(member);
    const generation = ++member.generation;
    member.epoch = from.epoch;
    member.seq = from.seq;
    const current = () => member.generation === generation && !member.paused && this.members.get(member.id) === member;
    try {
      for (let emptyReads = 0; ; ) {
        const history = await this.fanout.history(this.key, { epoch: member.epoch, seq: member.seq });
        if (!current()) return;
        if (history.reset) {
          member.seq = 0;
          this.output.reset(member.id, history.epoch!);
        }
        if (history.epoch !== undefined) member.epoch = history.epoch;
        if (history.gap) this.output.gap(member.id, member.seq);
        for (const m of history.messages) {
          if (m.seq <= member.seq) continue;
          // A slice at a time: what the member has not read yet stays in the store, not in its socket.
          const backedUp = this.output.whenWritable(member.id);
          if (backedUp) {
            await backedUp;
            if (!current()) return;
          }
          member.seq = m.seq;
          if (this.output.wants?.(member.id, m) ?? true) this.output.write(member.id, this.output.encode(m), m);
        }
        emptyReads = history.messages.length === 0 ? emptyReads + 1 : 0;
        // Behind: the audience got messages stored after this read. A second empty read means the store
        // holds no more than this (it restarted with older data): the member goes live where it is.
        const audience = this.position();
        const behind = (audience.epoch === undefined || audience.epoch === member.epoch) && member.seq < audience.seq;
        if (!behind || emptyReads >= 2) break;
      }
      this.live.add(member);
    } catch (err) {
      // The store is unreachable: the member catches up again when it is back (or at a hole in the next message).
      log.warn({ err, channel: this.key }, "catch-up from the backlog failed; retried when the store is back");
      if (!current()) return;
      this.live.add(member);
      this.stranded.add(member);
    }
  }

  private onMessage(message: FanoutMessage): void {
    this.pending.push(message);
    this.fanout.deliveries.request(this);
  }

  /** Writes the pending messages, in order, to up to `budget` members in all. */
  deliver(budget: number): { used: number; done: boolean } {
    let used = 0;
    while (used < budget) {
      if (!this.delivery) {
        const message = this.pending.shift();
        if (!message) return { used, done: true };
        this.delivery = { message, bytes: this.output.encode(message), members: this.live.values(), count: 0 };
      }
      const next = this.delivery.members.next();
      if (next.done) {
        this.output.delivered?.(this.delivery.message, this.delivery.count);
        this.delivery = null;
        continue;
      }
      used++;
      if (this.offer(next.value, this.delivery)) this.delivery.count++;
    }
    return { used, done: this.delivery === null && this.pending.length === 0 };
  }

  /** Writes the delivery to `member` if it is the member's next message; a hole sends the member to the backlog. */
  private offer(member: Member, { message, bytes }: Delivery): boolean {
    const wanted = this.output.wants?.(member.id, message) ?? true;
    if (message.seq === 0) {
      // Never numbered (a typing notice): for whoever is live now.
      if (wanted) this.output.write(member.id, bytes, message);
      return wanted;
    }
    const sameEpoch = member.epoch === undefined || member.epoch === message.epoch;
    if (sameEpoch && message.seq <= member.seq) return false; // it caught up past this one
    if (!sameEpoch || message.seq !== member.seq + 1) {
      void this.catchUp(member, { epoch: member.epoch, seq: member.seq });
      return false;
    }
    member.epoch = message.epoch;
    member.seq = message.seq;
    if (wanted) this.output.write(member.id, bytes, message);
    return wanted;
  }
}

/** What positions are kept from: any channel message (`chat`, `broadcast`, `user`). */
export interface NumberedMessage {
  channel: string;
  epoch: string;
  seq: number;
}

/**
 * Where a client stands on each channel it reads: the last seq it took and that
 * seq's epoch (docs/protocol.md "Ordering and epochs"). A session reports both
 * records when it resumes (`resume`, the lobby's `after` and `epochs`), so
 * everything it reads, its user channel too, counts the same way.
 */
export class ChannelPositions {
  /** Last seq taken per channel name. */
  readonly lastSeen: Record<string, number> = {};
  /** Epoch of each channel's last seq. */
  readonly epochs: Record<string, string> = {};

  /** Taken already: a seq at or below the last one of the same epoch (a replay). A message of another epoch starts the count again. */
  has(message: NumberedMessage): boolean {
    return message.epoch === this.epochs[message.channel] && message.seq <= (this.lastSeen[message.channel] ?? 0);
  }

  /** Records `message` as the channel's last. */
  take(message: NumberedMessage): void {
    this.set(message.channel, message.seq, message.epoch);
  }

  /** Takes `message` unless it was taken already; true when it is new. */
  accept(message: NumberedMessage): boolean {
    if (this.has(message)) return false;
    this.take(message);
    return true;
  }

  /** `reset`: the channel's numbering started again in `epoch`; what follows counts from its start. */
  restart(channel: string, epoch: string): void {
    this.set(channel, 0, epoch);
  }

  /** The channel's last seq had and its epoch (undefined: not known, e.g. before anything was numbered). */
  set(channel: string, seq: number, epoch: string | undefined): void {
    this.lastSeen[channel] = seq;
    if (epoch === undefined) delete this.epochs[channel];
    else this.epochs[channel] = epoch;
  }

  /** Forgets every channel but `keep`'s. */
  forgetAllBut(keep: string): void {
    for (const channel of Object.keys(this.lastSeen)) if (channel !== keep) delete this.lastSeen[channel];
    for (const channel of Object.keys(this.epochs)) if (channel !== keep) delete this.epochs[channel];
  }

  /** The position reported for `channel` alone, or undefined before anything was taken on it. */
  of(channel: string): { channels: Record<string, number>; epochs: Record<string, string> } | undefined {
    const seq = this.lastSeen[channel];
    if (seq === undefined) return undefined;
    const epoch = this.epochs[channel];
    return { channels: { [channel]: seq }, epochs: epoch === undefined ? {} : { [channel]: epoch } };
  }
}

/** A stream whose event output the pacer holds between ticks. */
export interface PacedStream {
  /** The tick came: write what waited; return whether anything was written (the stream stays paced). */
  releasePace(): boolean;
}

/** Holds streams until its next tick (DeliveryPacer; tests tick by hand). */
export interface Pacer {
  hold(s: PacedStream): void;
  forget(s: PacedStream): void;
}

/**
 * Paces busy watch streams: once a stream has written an event response, its
 * next ones wait until the pacer's next tick, so a watcher on a busy prefix
 * gets one response per tick holding every revision since, instead of one
 * response per revision. A stream that writes rarely sends at once. This is
 * the batching etcd arrives at under load (its full watch channels turn
 * watchers into victims that catch up in batches), without waiting for the
 * client to fall behind first: every response costs the client far more than
 * an event, so fewer responses keep it from falling behind at all.
 * One timer serves every stream.
 */
export class DeliveryPacer implements Pacer {
  private held = new Set<PacedStream>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly intervalMs: number) {}

  hold(s: PacedStream): void {
    this.held.add(s);
    if (this.timer === undefined) {
      this.timer = setTimeout(this.tick, this.intervalMs);
      this.timer.unref();
    }
  }

  forget(s: PacedStream): void {
    this.held.delete(s);
  }

  private readonly tick = () => {
    this.timer = undefined;
    const streams = this.held;
    this.held = new Set();
    for (const s of streams) if (s.releasePace()) this.hold(s);
  };
}

/** A stream whose event output the pacer holds between ticks. */
export interface PacedStream {
  /** The tick came: write what waited; return whether anything was written (the stream stays paced). */
  releasePace(): boolean;
}

/** Holds streams until its next tick (DeliveryPacer; tests tick by hand). */
export interface Pacer {
  /** The tick's period: a stream counts its responses per period of this length. */
  readonly intervalMs: number;
  /** Event responses a stream writes in one period before it is held: below it, every revision goes at once. */
  readonly burst: number;
  hold(s: PacedStream): void;
  forget(s: PacedStream): void;
}

/**
 * Paces busy watch streams: once a stream has written an event response, its
 * next ones wait until the pacer's next tick, so a watcher on a busy prefix
 * gets one response per tick holding every revision since, instead of one
 * response per revision. A stream that writes fewer than `burst` responses
 * in a period sends every revision at once, as etcd does. This is
 * the batching etcd arrives at under load (its full watch channels turn
 * watchers into victims that catch up in batches), without waiting for the
 * client to fall behind first: every response costs the client far more than
 * an event, so fewer responses keep it from falling behind at all.
 * One timer serves every stream.
 */
export class DeliveryPacer implements Pacer {
  private held = new Set<PacedStream>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly intervalMs: number,
    readonly burst: number,
  ) {}

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

/** One granted lease as the lessor tracks it in memory. */
export class Lease {
  /** Keys attached to the lease (latin1 strings of the key bytes, as the store names them). */
  readonly keys = new Set<string>();
  /** Wall-clock ms at which the lease expires; Infinity until the lessor starts (etcd's "forever"). */
  expiry = Number.POSITIVE_INFINITY;
  /** Set once revocation (by a client or by expiry) has begun, so it runs only once. */
  revoking: Promise<void> | undefined;

  constructor(
    readonly id: bigint,
    /** The granted TTL in seconds. */
    readonly ttl: number,
  ) {}

  /** Restarts the lease's full TTL from `now`, plus `extendMs` (etcd's refresh). */
  refresh(now: number, extendMs = 0): void {
    this.expiry = now + extendMs + this.ttl * 1000;
  }

  expired(now: number): boolean {
    return this.expiry <= now;
  }

  /** Whole seconds left, truncated as etcd's int64(Remaining().Seconds()) does. */
  remainingSeconds(now: number): number {
    return Math.trunc((this.expiry - now) / 1000);
  }
}

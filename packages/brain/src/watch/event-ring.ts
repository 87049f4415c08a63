import type { RevisionChanges } from "../mvcc/store.js";

/**
 * The changes of the most recent revisions, so that watchers a little behind
 * catch up from memory; older starts read the on-disk revision log instead.
 * Bounded by a number of revisions and by the bytes of keys and values they
 * hold, so that large values cannot make the ring grow without limit.
 */
export class EventRing {
  private readonly slots: Array<RevisionChanges | undefined>;
  private readonly sizes: Float64Array;
  private head = 0;
  private count = 0;
  private bytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {
    this.slots = new Array(Math.max(1, capacity));
    this.sizes = new Float64Array(this.slots.length);
  }

  push(rc: RevisionChanges): void {
    const n = this.slots.length;
    let size = 0;
    for (const kv of rc.changes) size += kv.key.length + kv.value.length;
    while (this.count > 0 && (this.count === n || this.bytes + size > this.maxBytes)) this.evictOldest();
    const at = (this.head + this.count) % n;
    this.slots[at] = rc;
    this.sizes[at] = size;
    this.bytes += size;
    this.count++;
  }

  private evictOldest(): void {
    this.slots[this.head] = undefined;
    this.bytes -= this.sizes[this.head]!;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
  }

  /** The oldest revision held, or Infinity when empty. */
  get oldestRev(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.slots[this.head]!.rev;
  }

  /** Visits held revisions in [fromRev, toRev] in order. Revisions are contiguous, so the start is computed. */
  /** Visits the held revisions in [fromRev, toRev] in order, until `visit` returns false. */
  forEach(fromRev: number, toRev: number, visit: (rc: RevisionChanges) => boolean | undefined): void {
    if (this.count === 0) return;
    const n = this.slots.length;
    let skip = Math.max(0, fromRev - this.oldestRev);
    // Published revisions are contiguous; should that ever not hold, scan from the oldest instead.
    if (skip >= this.count || this.slots[(this.head + skip) % n]!.rev > fromRev) skip = 0;
    for (let i = skip; i < this.count; i++) {
      const rc = this.slots[(this.head + i) % n]!;
      if (rc.rev > toRev) return;
      if (rc.rev >= fromRev && visit(rc) === false) return;
    }
  }
}

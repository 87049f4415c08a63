import type { RevisionChanges } from "../mvcc/store.js";

/**
 * The changes of the most recent revisions, so that watchers a little behind
 * catch up from memory; older starts read the on-disk revision log instead.
 * Bounded by a number of revisions.
 */
export class EventRing {
  private readonly slots: Array<RevisionChanges | undefined>;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(Math.max(1, capacity));
  }

  push(rc: RevisionChanges): void {
    const n = this.slots.length;
    this.slots[(this.head + this.count) % n] = rc;
    if (this.count < n) this.count++;
    else this.head = (this.head + 1) % n;
  }

  /** The oldest revision held, or Infinity when empty. */
  get oldestRev(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.slots[this.head]!.rev;
  }

  /** Visits held revisions in [fromRev, toRev] in order. Revisions are contiguous, so the start is computed. */
  forEach(fromRev: number, toRev: number, visit: (rc: RevisionChanges) => void): void {
    if (this.count === 0) return;
    const n = this.slots.length;
    let skip = Math.max(0, fromRev - this.oldestRev);
    // Published revisions are contiguous; should that ever not hold, scan from the oldest instead.
    if (skip >= this.count || this.slots[(this.head + skip) % n]!.rev > fromRev) skip = 0;
    for (let i = skip; i < this.count; i++) {
      const rc = this.slots[(this.head + i) % n]!;
      if (rc.rev > toRev) return;
      if (rc.rev >= fromRev) visit(rc);
    }
  }
}

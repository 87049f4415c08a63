// The in-memory history of one key: every revision at which it was written or
// deleted, back to the compaction point, plus the state of its latest version
// so that txn compares against the newest state need no engine read.

export class KeyIndex {
  /** Pairs [rev, sub << 1 | tombstone], ascending by revision. */
  hist: number[] = [];
  /** Latest live version's create revision, version and lease; version 0 when deleted. */
  createRev = 0;
  version = 0;
  lease = 0n;

  constructor(readonly key: string) {}

  get modRev(): number {
    const n = this.hist.length;
    return n === 0 ? 0 : this.hist[n - 2]!;
  }

  get alive(): boolean {
    return this.version > 0;
  }

  record(rev: number, sub: number, tombstone: boolean): void {
    this.hist.push(rev, (sub << 1) | (tombstone ? 1 : 0));
  }

  /**
   * The index into hist of the version visible at `rev` (the last entry at or
   * below it), or -1 when the key did not exist then (never written, or its
   * last entry at or below `rev` is a tombstone).
   */
  visibleAt(rev: number): number {
    const h = this.hist;
    let i = h.length - 2;
    // Most reads are at or near the newest revision: scan from the end.
    while (i >= 0 && h[i]! > rev) i -= 2;
    if (i < 0 || (h[i + 1]! & 1) === 1) return -1;
    return i;
  }

  revAt(i: number): number {
    return this.hist[i]!;
  }

  subAt(i: number): number {
    return this.hist[i + 1]! >> 1;
  }

  /**
   * Drops history a compaction at `rev` makes unreachable: every entry below
   * the newest one at or below `rev`, and that one too when it is a tombstone.
   * Returns the dropped [rev, sub] pairs.
   */
  compact(rev: number, dropped: Array<[number, number]>): void {
    const h = this.hist;
    let keepFrom = -1;
    for (let i = h.length - 2; i >= 0; i -= 2) {
      if (h[i]! <= rev) {
        keepFrom = (h[i + 1]! & 1) === 1 ? i + 2 : i;
        break;
      }
    }
    if (keepFrom <= 0) return;
    for (let i = 0; i < keepFrom; i += 2) dropped.push([h[i]!, h[i + 1]! >> 1]);
    this.hist = h.slice(keepFrom);
  }

  get empty(): boolean {
    return this.hist.length === 0;
  }
}

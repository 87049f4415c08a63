// The in-memory history of one key: every revision at which it was written or
// deleted, back to the compaction point, plus the state of its latest version
// so that txn compares against the newest state need no engine read.
//
// Most keys hold one entry between compactions, so the oldest entry lives in
// two fields and only later ones in an array: at a million keys an array per
// key (V8 gives a pushed-to empty array room for 17 elements) was half the
// index's memory.

/** An entry's revision and `sub << 1 | tombstone`; entries are numbered from 0, oldest first. */
export class KeyIndex {
  /** The oldest entry; revision 0 when the key has no history (revisions start at 1). */
  private rev0 = 0;
  private meta0 = 0;
  /** Entries after the oldest as pairs [rev, meta], ascending, or null when there are none. */
  private more: number[] | null = null;
  /** Latest live version's create revision, version and lease; version 0 when deleted. */
  createRev = 0;
  version = 0;
  lease = 0n;

  constructor(readonly key: string) {}

  get empty(): boolean {
    return this.rev0 === 0;
  }

  /** The number of entries. */
  get size(): number {
    return this.rev0 === 0 ? 0 : this.more === null ? 1 : 1 + (this.more.length >> 1);
  }

  get modRev(): number {
    const m = this.more;
    return m === null ? this.rev0 : m[m.length - 2]!;
  }

  /** The sub-revision of the newest entry. */
  get modSub(): number {
    const m = this.more;
    return (m === null ? this.meta0 : m[m.length - 1]!) >> 1;
  }

  get alive(): boolean {
    return this.version > 0;
  }

  record(rev: number, sub: number, tombstone: boolean): void {
    const meta = (sub << 1) | (tombstone ? 1 : 0);
    if (this.rev0 === 0) {
      this.rev0 = rev;
      this.meta0 = meta;
    } else if (this.more === null) this.more = [rev, meta];
    else this.more.push(rev, meta);
  }

  /**
   * The number of the entry visible at `rev` (the last one at or below it),
   * or -1 when the key did not exist then (never written, or its last entry
   * at or below `rev` is a tombstone).
   */
  visibleAt(rev: number): number {
    const m = this.more;
    if (m !== null) {
      // Most reads are at or near the newest revision: scan from the end.
      let i = m.length - 2;
      while (i >= 0 && m[i]! > rev) i -= 2;
      if (i >= 0) return (m[i + 1]! & 1) === 1 ? -1 : (i >> 1) + 1;
    }
    if (this.rev0 === 0 || this.rev0 > rev || (this.meta0 & 1) === 1) return -1;
    return 0;
  }

  revAt(e: number): number {
    return e === 0 ? this.rev0 : this.more![(e - 1) << 1]!;
  }

  subAt(e: number): number {
    return (e === 0 ? this.meta0 : this.more![((e - 1) << 1) + 1]!) >> 1;
  }

  private metaAt(e: number): number {
    return e === 0 ? this.meta0 : this.more![((e - 1) << 1) + 1]!;
  }

  /**
   * Drops history a compaction at `rev` makes unreachable: every entry below
   * the newest one at or below `rev`, and that one too when it is a tombstone.
   * Appends the dropped [rev, sub] pairs to `dropped`.
   */
  compact(rev: number, dropped: Array<[number, number]>): void {
    const n = this.size;
    let keepFrom = -1;
    for (let e = n - 1; e >= 0; e--) {
      if (this.revAt(e) <= rev) {
        keepFrom = (this.metaAt(e) & 1) === 1 ? e + 1 : e;
        break;
      }
    }
    if (keepFrom <= 0) return;
    for (let e = 0; e < keepFrom; e++) dropped.push([this.revAt(e), this.subAt(e)]);
    if (keepFrom === n) {
      this.rev0 = 0;
      this.meta0 = 0;
      this.more = null;
      return;
    }
    const m = this.more!;
    const first = (keepFrom - 1) << 1;
    this.rev0 = m[first]!;
    this.meta0 = m[first + 1]!;
    this.more = first + 2 < m.length ? m.slice(first + 2) : null;
  }
}

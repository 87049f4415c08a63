import type { RevisionChanges } from "../mvcc/store.js";
import type { StoredKv } from "../mvcc/stored-kv.js";

/** What watching needs of the MVCC store (MvccStore provides it). */
export interface WatchableStore {
  readonly compactRev: number;
  readonly currentRev: number;
  onCommit(fn: (r: RevisionChanges) => void): void;
  scanLog(fromRev: number, toRev: number, visit: (kv: StoredKv) => boolean | undefined): void;
  getAt(key: Buffer, rev: number): StoredKv | undefined;
}

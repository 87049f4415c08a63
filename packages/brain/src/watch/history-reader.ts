import type { StoredKv } from "../mvcc/stored-kv.js";
import type { EventRing } from "./event-ring.js";
import type { WatchableStore } from "./watchable-store.js";
import type { Watcher } from "./watcher.js";

/** A watcher's events read from history, and the last revision they cover. */
export interface HistoryRead {
  kvs: StoredKv[];
  lastRev: number;
}

/**
 * Reads a watcher's events of revisions [fromRev, toRev] from history: from
 * the in-memory ring where it still holds them, else from the on-disk
 * revision log. Whole revisions only, in order; once the events hold
 * `maxBytes` of keys and values, the read stops at the end of a revision (so
 * one response stays a size clients accept), and `lastRev` says where.
 */
export function readHistory(
  store: WatchableStore,
  ring: EventRing,
  w: Watcher,
  fromRev: number,
  toRev: number,
  maxBytes = Number.POSITIVE_INFINITY,
): HistoryRead {
  const out: StoredKv[] = [];
  let bytes = 0;
  let lastRev = fromRev - 1;
  let full = false;
  /** Takes a change of revision `rev`; false once the read is full and `rev` starts a new revision. */
  const take = (kv: StoredKv, rev: number): boolean => {
    if (rev !== lastRev) {
      if (bytes >= maxBytes) {
        full = true;
        return false;
      }
      lastRev = rev;
    }
    if (w.wants(kv, kv.key.toString("latin1"))) {
      out.push(kv);
      bytes += kv.key.length + kv.value.length;
    }
    return true;
  };
  const ringFrom = ring.oldestRev;
  if (fromRev < ringFrom) {
    store.scanLog(fromRev, Math.min(toRev, ringFrom - 1), (kv) => take(kv, kv.modRev));
  }
  if (!full && toRev >= ringFrom) {
    ring.forEach(Math.max(fromRev, ringFrom), toRev, (rc) => {
      for (const kv of rc.changes) if (!take(kv, rc.rev)) return false;
      return true;
    });
  }
  // Revisions with no change at all (none are stored) still count as read.
  return { kvs: out, lastRev: full ? lastRev : toRev };
}

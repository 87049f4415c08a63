import type { StoredKv } from "../mvcc/stored-kv.js";
import type { EventRing } from "./event-ring.js";
import type { WatchableStore } from "./watchable-store.js";
import type { Watcher } from "./watcher.js";

/**
 * Reads a watcher's events of revisions [fromRev, toRev] from history: from
 * the in-memory ring where it still holds them, else from the on-disk
 * revision log. Whole revisions only, in order.
 */
export function readHistory(
  store: WatchableStore,
  ring: EventRing,
  w: Watcher,
  fromRev: number,
  toRev: number,
): StoredKv[] {
  const out: StoredKv[] = [];
  const take = (kv: StoredKv) => {
    if (w.wants(kv, kv.key.toString("latin1"))) out.push(kv);
  };
  const ringFrom = ring.oldestRev;
  if (fromRev < ringFrom) {
    store.scanLog(fromRev, Math.min(toRev, ringFrom - 1), (kv) => {
      take(kv);
      return true;
    });
  }
  if (toRev >= ringFrom) {
    ring.forEach(Math.max(fromRev, ringFrom), toRev, (rc) => {
      for (const kv of rc.changes) take(kv);
    });
  }
  return out;
}

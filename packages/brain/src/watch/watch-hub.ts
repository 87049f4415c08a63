import type { RevisionChanges } from "../mvcc/store.js";
import type { StoredKv } from "../mvcc/stored-kv.js";
import { EventRing } from "./event-ring.js";
import { type HistoryRead, readHistory } from "./history-reader.js";
import type { WatchableStore } from "./watchable-store.js";
import type { Watcher } from "./watcher.js";

/** Bytes of keys and values one catch-up response gathers (whole revisions) before the next step goes on. */
const CATCH_UP_BYTES = 1024 * 1024;

export interface WatchHubOptions {
  /** How many recent revisions the in-memory ring keeps. */
  ringRevisions: number;
  /** Most revisions one catch-up response covers (etcd's watchBatchMaxRevs). */
  batchRevisions?: number;
}

/**
 * etcd's watchable store: every watcher is either synced (fed each revision
 * as it is published) or unsynced (reading history in chunks). All state
 * changes run on the event loop, so the hand-over from unsynced to synced
 * happens between two published revisions and can neither skip nor repeat one.
 */
export class WatchHub {
  /** The last revision published to watchers. */
  lastRev: number;
  private readonly ring: EventRing;
  private readonly batchRevs: number;
  private readonly syncedKeys = new Map<string, Set<Watcher>>();
  private readonly syncedRanges = new Set<Watcher>();
  private readonly unsynced = new Set<Watcher>();
  private catchUpTimer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  /** One-shot callbacks run after the next published revision (deferred progress requests). */
  private afterCommit: Array<() => void> = [];

  constructor(
    readonly store: WatchableStore,
    options: WatchHubOptions,
  ) {
    this.lastRev = store.currentRev;
    this.ring = new EventRing(options.ringRevisions);
    this.batchRevs = options.batchRevisions ?? 1000;
    store.onCommit((rc) => this.publish(rc));
  }

  /** Watchers registered, synced or not (etcd_debugging_mvcc_watcher_total). */
  get watcherCount(): number {
    let n = this.syncedRanges.size + this.unsynced.size;
    for (const set of this.syncedKeys.values()) n += set.size;
    return n;
  }

  /** Watchers reading history: starting from the past, or behind their client (etcd_debugging_mvcc_slow_watcher_total). */
  get slowCount(): number {
    return this.unsynced.size;
  }

  /** Registers a watcher: synced when it starts now or in the future, else it catches up first. */
  add(w: Watcher): void {
    if (w.startRev === 0 || w.startRev > this.lastRev) {
      w.nextRev = Math.max(this.lastRev + 1, w.startRev);
      this.addSynced(w);
    } else {
      w.nextRev = w.startRev;
      this.unsynced.add(w);
      this.scheduleCatchUp(0);
    }
  }

  remove(w: Watcher): void {
    if (this.unsynced.delete(w)) return;
    if (!w.isSynced) return;
    w.isSynced = false;
    if (w.range.single) {
      const set = this.syncedKeys.get(w.range.start);
      set?.delete(w);
      if (set?.size === 0) this.syncedKeys.delete(w.range.start);
    } else {
      this.syncedRanges.delete(w);
    }
  }

  /**
   * Whether a watcher counts as synced for progress: live, as in etcd, where
   * a watcher that starts now or in the future is synced at once and gets
   * progress notifications while idle (kube-apiserver's watch cache relies
   * on them from the moment it starts watching at its LIST revision + 1).
   */
  progressed(w: Watcher): boolean {
    return w.isSynced;
  }

  runAfterNextCommit(fn: () => void): void {
    this.afterCommit.push(fn);
  }

  /**
   * A synced watcher whose client is behind goes back to reading history from
   * `fromRev`, as etcd moves such a watcher to its victims: its events are
   * read again from the ring or the revision log once the stream has room,
   * instead of waiting in memory for a client that may stay behind.
   */
  demote(w: Watcher, fromRev: number): void {
    if (!w.isSynced) return;
    this.remove(w);
    w.nextRev = fromRev;
    this.unsynced.add(w);
    this.scheduleCatchUp(0);
  }

  /** Wakes catch-up after a congested target drained. */
  kick(): void {
    if (this.unsynced.size > 0) this.scheduleCatchUp(0);
  }

  private addSynced(w: Watcher): void {
    w.isSynced = true;
    if (w.range.single) {
      let set = this.syncedKeys.get(w.range.start);
      if (!set) {
        set = new Set();
        this.syncedKeys.set(w.range.start, set);
      }
      set.add(w);
    } else {
      this.syncedRanges.add(w);
    }
  }

  /** Fans one published revision out to the synced watchers it concerns. */
  private publish(rc: RevisionChanges): void {
    this.lastRev = rc.rev;
    this.ring.push(rc);
    if (rc.changes.length === 1) this.publishOne(rc);
    else this.publishMany(rc);
    if (this.afterCommit.length > 0) {
      const fns = this.afterCommit;
      this.afterCommit = [];
      for (const f of fns) f();
    }
  }

  /**
   * A revision of one change (most are): every watcher that wants it gets the
   * revision's own changes array, so the streams can share one events array
   * and one encoding instead of building them per watcher.
   */
  private publishOne(rc: RevisionChanges): void {
    const kv = rc.changes[0]!;
    const key = kv.key.toString("latin1");
    const rev = rc.rev;
    const set = this.syncedKeys.get(key);
    if (set) {
      for (const w of set) {
        if (w.nextRev > rev || !w.wants(kv, key)) continue;
        w.nextRev = rev + 1;
        w.target.deliver(w, rc.changes, rev);
      }
    }
    for (const w of this.syncedRanges) {
      if (w.nextRev > rev || !w.wants(kv, key)) continue;
      w.nextRev = rev + 1;
      w.target.deliver(w, rc.changes, rev);
    }
  }

  private publishMany(rc: RevisionChanges): void {
    const batches = new Map<Watcher, StoredKv[]>();
    const add = (w: Watcher, kv: StoredKv, key: string) => {
      if (w.nextRev > rc.rev || !w.wants(kv, key)) return;
      const b = batches.get(w);
      if (b) b.push(kv);
      else batches.set(w, [kv]);
    };
    for (const kv of rc.changes) {
      const key = kv.key.toString("latin1");
      const set = this.syncedKeys.get(key);
      if (set) for (const w of set) add(w, kv, key);
      for (const w of this.syncedRanges) add(w, kv, key);
    }
    for (const [w, evs] of batches) {
      w.nextRev = rc.rev + 1;
      w.target.deliver(w, evs, rc.rev);
    }
  }

  private scheduleCatchUp(delayMs: number): void {
    if (this.catchUpTimer) return;
    const run = () => {
      this.catchUpTimer = undefined;
      const progressed = this.catchUp();
      if (this.unsynced.size > 0) this.scheduleCatchUp(progressed ? 0 : 20);
    };
    this.catchUpTimer = delayMs === 0 ? setImmediate(run) : setTimeout(run, delayMs);
    this.catchUpTimer.unref?.();
  }

  /**
   * One step of history catch-up: each unsynced watcher whose stream is not
   * congested gets at most `batchRevs` revisions, so one turn stays short.
   * Returns whether any watcher moved.
   */
  private catchUp(): boolean {
    let moved = false;
    // Watchers of one selection at one revision (a stream's watchers demoted together) read history once and
    // share the events array, so the stream builds and encodes the events once for all of them.
    let lastRead: HistoryRead | undefined;
    let lastReadKey = "";
    for (const w of [...this.unsynced]) {
      if (!this.unsynced.has(w)) continue;
      const compactRev = this.store.compactRev;
      if (w.nextRev < compactRev) {
        this.unsynced.delete(w);
        w.target.compacted(w, compactRev);
        moved = true;
        continue;
      }
      if (w.target.congested) continue;
      const to = Math.min(this.lastRev, w.nextRev + this.batchRevs - 1);
      let evs: StoredKv[] = [];
      if (w.nextRev <= to) {
        const key = `${w.nextRev}:${to}:${w.selection}`;
        if (key !== lastReadKey || lastRead === undefined) {
          lastRead = readHistory(this.store, this.ring, w, w.nextRev, to, CATCH_UP_BYTES);
          lastReadKey = key;
        }
        const read = lastRead;
        evs = read.kvs;
        w.nextRev = read.lastRev + 1;
      }
      moved = true;
      if (evs.length > 0) w.target.deliver(w, evs, this.lastRev);
      if (!this.unsynced.has(w)) continue; // delivery may have canceled it (slow consumer)
      if (w.nextRev > this.lastRev) {
        this.unsynced.delete(w);
        this.addSynced(w);
        w.target.synced(w);
      }
    }
    return moved;
  }
}

import type { WatchResponse } from "@wharf/etcd-api";
import type { StoredKv } from "../mvcc/stored-kv.js";
import type { KeyRange } from "./key-range.js";

/** Where a watcher's output goes: the stream that owns it. */
export interface WatchTarget {
  /** Events of whole revisions, in order; `rev` is the revision the response reports. */
  deliver(w: Watcher, events: StoredKv[], rev: number): void;
  /** The watcher fell below the compaction point and has been removed. */
  compacted(w: Watcher, compactRev: number): void;
  /** The watcher has caught up and now receives live events. */
  synced(w: Watcher): void;
  /** While true, catch-up for this target's watchers waits (the client is not reading). */
  readonly congested: boolean;
}

export interface WatcherOptions {
  id: number;
  range: KeyRange;
  startRev: number;
  noPut: boolean;
  noDelete: boolean;
  prevKv: boolean;
  fragment: boolean;
  progressNotify: boolean;
}

/** One watch: what it covers, where it is in history, and which stream it belongs to. */
export class Watcher {
  readonly id: number;
  readonly range: KeyRange;
  /** The start revision as requested (0 = from now). */
  readonly startRev: number;
  readonly prevKv: boolean;
  readonly fragment: boolean;
  readonly progressNotify: boolean;
  private readonly noPut: boolean;
  private readonly noDelete: boolean;
  /** The next revision this watcher has not yet been given. */
  nextRev = 0;
  /** Whether it receives live events (true) or is still reading history. */
  isSynced = false;
  /** A progress notification is due at the next tick unless an event is sent first. */
  progressDue = true;
  /** Its last event response while it may still wait in the stream's queue: its number there, and bytes. */
  queued: WatchResponse | undefined;
  queuedAt = 0;
  queuedBytes = 0;
  /** Whether `queued.events` is its own array (else shared with other watchers, copied before adding). */
  queuedOwnsEvents = false;
  /** What it reads from history: watchers with the same selection read the same events. */
  readonly selection: string;

  constructor(
    o: WatcherOptions,
    readonly target: WatchTarget,
  ) {
    this.id = o.id;
    this.range = o.range;
    this.startRev = o.startRev;
    this.noPut = o.noPut;
    this.noDelete = o.noDelete;
    this.prevKv = o.prevKv;
    this.fragment = o.fragment;
    this.progressNotify = o.progressNotify;
    this.selection = `${o.range.start}\0${o.range.end ?? "\0"}\0${o.noPut ? 1 : 0}${o.noDelete ? 1 : 0}`;
  }

  /** Whether the change is one this watcher reports (key range and NOPUT/NODELETE filters). */
  wants(kv: StoredKv, key: string): boolean {
    if (kv.tombstone ? this.noDelete : this.noPut) return false;
    return this.range.contains(key);
  }
}

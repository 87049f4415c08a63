// One client watch served by a WatchCache (kube-apiserver's cacheWatcher): the
// key range it sees, the revision it started from, and its bookmark timer.
// Events reach it synchronously from the cache; it keeps no queue of its own
// (the HTTP layer bounds what a slow client may leave buffered).

import type { StorageError, StorageEvent, WatchHandle } from "./storage.js";

export interface CacheWatcherSink<T> {
  onEvent(e: StorageEvent<T>): void;
  /** A bookmark: every event up to `revision` has been delivered. */
  onBookmark?(revision: number): void;
  /** The watch ended: without an error when the cache let it go (a relist, shutdown); the client re-watches. */
  onEnd(error?: StorageError): void;
}

export interface CacheWatchOptions {
  /** Send BOOKMARK events (the request's allowWatchBookmarks). */
  allowBookmarks?: boolean;
  /** How often a bookmark is sent (kube: every minute). */
  bookmarkIntervalMs?: number;
  /** When the watch will be closed (ms since the epoch): a last bookmark goes out 2 s before, as kube sends it. */
  deadline?: number;
}

/** What a watcher needs from the cache that serves it. */
export interface CacheWatcherOwner<T> {
  /** The revision the cache has reached. */
  revision(): number;
  /** Removes a stopped watcher. */
  forget(w: CacheWatcher<T>): void;
  /** A consumer threw while handling an event: it has been stopped. */
  failed(w: CacheWatcher<T>, err: unknown): void;
  now(): number;
}

/** kube's bookmark frequency. */
export const DEFAULT_BOOKMARK_INTERVAL_MS = 60_000;
/** kube sends the last bookmark this long before a watch's timeout. */
const PRE_TIMEOUT_BOOKMARK_MS = 2_000;

export class CacheWatcher<T> implements WatchHandle {
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The newest revision sent as a bookmark. */
  private bookmarked = 0;

  constructor(
    /** The key prefix (ends in "/") or exact key this watcher sees. */
    readonly keyPrefix: string,
    /** Events at or below this revision are not sent (the client has them). */
    private readonly startRevision: number,
    private readonly sink: CacheWatcherSink<T>,
    private readonly options: CacheWatchOptions,
    private readonly owner: CacheWatcherOwner<T>,
  ) {
    this.scheduleBookmark();
  }

  /** A live event from the cache: sent unless the client's starting revision already covers it. */
  deliver(e: StorageEvent<T>): void {
    if (this.stopped || e.resourceVersion <= this.startRevision) return;
    this.send(e);
  }

  /** An event of the initial state or of the replayed window: always sent. */
  deliverInitial(e: StorageEvent<T>): void {
    if (!this.stopped) this.send(e);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.owner.forget(this);
  }

  /** Ends the watch from the cache's side. */
  terminate(error?: StorageError): void {
    if (this.stopped) return;
    this.stop();
    this.sink.onEnd(error);
  }

  private send(e: StorageEvent<T>): void {
    try {
      this.sink.onEvent(e);
    } catch (err) {
      // One broken consumer must not stop the cache from serving the others.
      this.stop();
      this.owner.failed(this, err);
    }
  }

  /** kube's nextBookmarkTime: a minute from now, or 2 s before the deadline if that comes first. */
  private scheduleBookmark(): void {
    if (this.stopped || !this.options.allowBookmarks || !this.sink.onBookmark) return;
    const now = this.owner.now();
    let at = now + (this.options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS);
    if (this.options.deadline !== undefined) at = Math.min(at, this.options.deadline - PRE_TIMEOUT_BOOKMARK_MS);
    if (at < now) return;
    this.timer = setTimeout(() => this.bookmark(), at - now);
    this.timer.unref?.();
  }

  private bookmark(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const revision = this.owner.revision();
    // Never a bookmark behind what the client asked to start from (a watch from a future revision).
    if (revision >= this.startRevision && revision >= this.bookmarked) {
      this.bookmarked = revision;
      try {
        this.sink.onBookmark?.(revision);
      } catch (err) {
        this.stop();
        this.owner.failed(this, err);
        return;
      }
    }
    this.scheduleBookmark();
  }
}

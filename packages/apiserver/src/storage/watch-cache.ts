// kube-apiserver's watch cache (the cacher) for one etcd key prefix: it lists
// the prefix once at a revision, then follows it with a single storage watch
// from that revision (with progress notifications), keeping the current
// objects and a window of recent events. Every client watch and every list
// it can answer is served from memory, so a thousand watchers of a resource
// cost one etcd watch.
//
//   watch from 0       the current objects as ADDED, then live events
//   watch from N       the window's events after N, then live events; 410 if N
//                      is older than the window ("too old resource version: N (M)")
//   list, at least N   waits (3 s, asking etcd for progress) until the cache has
//                      reached N, else ResourceVersionTooLarge
//
// When its etcd watch fails the cache resumes from its revision; when that
// revision is gone (compaction) it relists, ending every client watch so that
// clients re-watch (and get 410 if their position is older than the relist).

import { CacheWatcher, type CacheWatcherSink, type CacheWatchOptions } from "./cache-watcher.js";
import { EventRing } from "./event-ring.js";
import { type Storage, StorageError, type StorageEvent, type Versioned, type WatchHandle } from "./storage.js";

/** pino-compatible logging, as much as the cache uses. */
export interface WatchCacheLog {
  debug(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
}

export interface WatchCacheOptions {
  /** A name for logs (e.g. "configmaps"). */
  name?: string;
  /** Events kept at least (kube's lower bound: 100). */
  capacity?: number;
  /** Events kept at most when the window grows (kube: 100 × 1024). */
  maxCapacity?: number;
  /** The window grows while its oldest event is younger than this (kube: 75 s); 0 keeps it at `capacity`. */
  eventFreshMs?: number;
  /** How long a read waits for the cache to reach a revision (kube: 3 s). */
  freshTimeoutMs?: number;
  /** Page size of the initial list (kube's reflector: 10000). */
  listPageSize?: number;
  /** Pause before retrying a failed list or watch (kube: 1 s). */
  retryMs?: number;
  log?: WatchCacheLog;
  now?: () => number;
}

export const DEFAULT_WATCH_CACHE_CAPACITY = 100;
const DEFAULT_MAX_CAPACITY = 100 * 1024;
const DEFAULT_EVENT_FRESH_MS = 75_000;
const DEFAULT_FRESH_TIMEOUT_MS = 3_000;
const DEFAULT_LIST_PAGE_SIZE = 10_000;
const DEFAULT_RETRY_MS = 1_000;
/** While reads wait for a revision, etcd is asked for progress this often. */
const PROGRESS_REQUEST_MS = 100;

interface Entry<T> {
  key: string;
  object: T;
  resourceVersion: number;
  /** The synthetic ADDED event for this state, made once and shared by every watcher that starts from it. */
  added?: StorageEvent<T>;
}

interface FreshWaiter {
  revision: number;
  resolve(): void;
  timer: ReturnType<typeof setTimeout>;
}

type State = "idle" | "listing" | "ready" | "stopped";

export class WatchCache<T = Record<string, unknown>> {
  private state: State = "idle";
  private readonly objects = new Map<string, Entry<T>>();
  /** `objects` in key order; rebuilt when keys come or go. */
  private sorted: Entry<T>[] | undefined;
  private readonly ring: EventRing<StorageEvent<T>>;
  /** Every event up to this revision is in the cache (events and etcd's progress notifications move it). */
  private revision = 0;
  /**
   * The newest revision of an event (or list) the cache holds. Behind
   * `revision` when etcd reported progress: a watch from "now" starts here,
   * and a broken etcd watch resumes from here, so that an event a progress
   * answer overtook (etcd before 3.4.25 can send one ahead of pending events)
   * still reaches everyone.
   */
  private eventRevision = 0;
  /** The revision of the last (re)list. */
  private listRevision = 0;
  private feed: WatchHandle | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private readyWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private readonly freshWaiters = new Set<FreshWaiter>();
  /** Watchers by the key prefix they watch: an event goes only to the prefixes of its key. */
  private readonly watchers = new Map<string, Set<CacheWatcher<T>>>();
  private watcherCount = 0;
  private readonly now: () => number;
  private readonly name: string;

  constructor(
    private readonly storage: Storage,
    /** The key prefix cached (ends in "/"). */
    readonly prefix: string,
    private readonly o: WatchCacheOptions = {},
  ) {
    const capacity = o.capacity ?? DEFAULT_WATCH_CACHE_CAPACITY;
    this.ring = new EventRing({
      minCapacity: capacity,
      maxCapacity: Math.max(capacity, o.maxCapacity ?? DEFAULT_MAX_CAPACITY),
      freshMs: o.eventFreshMs ?? DEFAULT_EVENT_FRESH_MS,
    });
    this.now = o.now ?? Date.now;
    this.name = o.name ?? prefix;
  }

  /** Whether the cache holds a complete list and follows its watch. */
  get ready(): boolean {
    return this.state === "ready";
  }

  /** The revision the cache has reached (advanced by events and progress notifications). */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Client watches currently served. */
  get watcherTotal(): number {
    return this.watcherCount;
  }

  /**
   * Starts listing and watching, once; later calls do nothing. `atRevision`
   * lists at that past revision (when etcd still has it) instead of the
   * latest, so that a cache started by a watch from N holds every event
   * after N, as a cache running since the server started would.
   */
  start(atRevision = 0): void {
    if (this.state !== "idle") return;
    this.state = "listing";
    void this.relist(atRevision);
  }

  /** Stops the etcd watch and ends every client watch. */
  stop(): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.feed?.stop();
    this.feed = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopProgressRequests();
    for (const w of this.freshWaiters) clearTimeout(w.timer);
    this.freshWaiters.clear();
    const stopped = new StorageError("Unavailable", this.prefix, "watch cache stopped");
    for (const r of this.readyWaiters.splice(0)) r.reject(stopped);
    this.terminateAll();
  }

  /**
   * The objects under `keyPrefix`, in key order, once the cache has reached
   * `minRevision` (0: whatever it holds); `revision` is the cache's.
   */
  async list(
    keyPrefix: string,
    minRevision: number,
  ): Promise<{ items: Array<Versioned<T> & { key: string }>; revision: number }> {
    this.start();
    await this.whenReady();
    await this.whenFresh(minRevision);
    const items: Array<Versioned<T> & { key: string }> = [];
    for (const e of this.inKeyOrder()) {
      if (under(keyPrefix, e.key)) items.push({ key: e.key, object: e.object, resourceVersion: e.resourceVersion });
    }
    return { items, revision: this.revision };
  }

  /**
   * Watches `keyPrefix` (ends in "/") or one key. `fromRevision` 0 starts with
   * the current objects as ADDED events; N replays the window's events after
   * N, or throws ResourceVersionTooOld when the window no longer reaches back
   * to N; a future N waits for events past it. The sink is called
   * synchronously, the initial events before this resolves.
   */
  async watch(
    keyPrefix: string,
    fromRevision: number,
    sink: CacheWatcherSink<T>,
    options: CacheWatchOptions = {},
  ): Promise<WatchHandle> {
    this.start(fromRevision);
    await this.whenReady();
    // From here on nothing yields: no event can slip between the initial ones and registration.
    let initial: StorageEvent<T>[];
    let start: number;
    if (fromRevision === 0) {
      initial = [];
      for (const e of this.inKeyOrder()) {
        if (!under(keyPrefix, e.key)) continue;
        e.added ??= { type: "ADDED", key: e.key, object: e.object, resourceVersion: e.resourceVersion };
        initial.push(e.added);
      }
      start = this.eventRevision;
    } else {
      const oldest = this.oldestDeliverable();
      if (fromRevision < oldest - 1) {
        throw new StorageError(
          "ResourceVersionTooOld",
          keyPrefix,
          `too old resource version: ${fromRevision} (${oldest - 1})`,
          oldest - 1,
        );
      }
      initial = this.ring.after(fromRevision).filter((e) => under(keyPrefix, e.key));
      start = fromRevision;
    }
    const w = new CacheWatcher<T>(keyPrefix, start, sink, options, {
      revision: () => this.revision,
      forget: (x) => this.forget(x),
      failed: (_x, err) => this.o.log?.warn({ cache: this.name, err }, "watch cache: a watcher failed; it was stopped"),
      now: this.now,
    });
    let set = this.watchers.get(keyPrefix);
    if (!set) {
      set = new Set();
      this.watchers.set(keyPrefix, set);
    }
    set.add(w);
    this.watcherCount++;
    for (const e of initial) w.deliverInitial(e);
    return w;
  }

  /**
   * The oldest revision a watch can start after, as kube computes it: the
   * list's revision + 1 while the window still holds every event since that
   * list, else the window's oldest event.
   */
  private oldestDeliverable(): number {
    if (!this.ring.evicted) return this.listRevision + 1;
    return this.ring.oldest()?.resourceVersion ?? this.revision + 1;
  }

  private inKeyOrder(): Entry<T>[] {
    if (!this.sorted) {
      this.sorted = [...this.objects.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    return this.sorted;
  }

  private whenReady(): Promise<void> {
    if (this.state === "ready") return Promise.resolve();
    if (this.state === "stopped") {
      return Promise.reject(new StorageError("Unavailable", this.prefix, "watch cache stopped"));
    }
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Waits (kube: up to 3 s) for the cache to reach `revision`, asking etcd for progress meanwhile. */
  private whenFresh(revision: number): Promise<void> {
    if (revision <= this.revision) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: FreshWaiter = {
        revision,
        resolve,
        timer: setTimeout(() => {
          this.freshWaiters.delete(waiter);
          if (this.freshWaiters.size === 0) this.stopProgressRequests();
          reject(
            new StorageError(
              "ResourceVersionTooLarge",
              this.prefix,
              `Too large resource version: ${revision}, current: ${this.revision}`,
              this.revision,
            ),
          );
        }, this.o.freshTimeoutMs ?? DEFAULT_FRESH_TIMEOUT_MS),
      };
      this.freshWaiters.add(waiter);
      this.feed?.requestProgress?.();
      this.progressTimer ??= setInterval(() => this.feed?.requestProgress?.(), PROGRESS_REQUEST_MS);
    });
  }

  private stopProgressRequests(): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = undefined;
  }

  private wakeFresh(): void {
    if (this.freshWaiters.size === 0) return;
    for (const w of this.freshWaiters) {
      if (w.revision > this.revision) continue;
      clearTimeout(w.timer);
      this.freshWaiters.delete(w);
      w.resolve();
    }
    if (this.freshWaiters.size === 0) this.stopProgressRequests();
  }

  /**
   * Lists the prefix page by page at one revision (`atRevision`, else the
   * latest), replaces the cache's contents, then follows from there.
   */
  private async relist(atRevision = 0): Promise<void> {
    const started = this.now();
    try {
      const items: Array<Versioned<T> & { key: string }> = [];
      let revision = atRevision;
      let startAfterKey: string | undefined;
      for (;;) {
        const page = await this.storage.list<T>(this.prefix, {
          limit: this.o.listPageSize ?? DEFAULT_LIST_PAGE_SIZE,
          startAfterKey,
          revision,
        });
        revision = page.revision;
        items.push(...page.items);
        const last = page.items.at(-1);
        if (!page.more || !last) break;
        startAfterKey = last.key;
      }
      if (this.state === "stopped") return;
      this.objects.clear();
      for (const it of items) {
        this.objects.set(it.key, { key: it.key, object: it.object, resourceVersion: it.resourceVersion });
      }
      this.sorted = undefined;
      this.ring.reset();
      this.listRevision = revision;
      this.eventRevision = revision;
      this.revision = Math.max(this.revision, revision);
      this.state = "ready";
      this.o.log?.debug(
        { cache: this.name, prefix: this.prefix, objects: items.length, revision, ms: this.now() - started },
        "watch cache initialized",
      );
      for (const r of this.readyWaiters.splice(0)) r.resolve();
      this.wakeFresh();
      this.follow(revision);
    } catch (e) {
      if (this.state === "stopped") return;
      const gone = e instanceof StorageError && ["ResourceVersionTooOld", "FutureResourceVersion"].includes(e.code);
      if (atRevision > 0 && gone) return this.relist(); // compacted or not reached yet: start from the latest
      this.o.log?.warn({ cache: this.name, err: e }, "watch cache: list failed; retrying");
      this.retryTimer = setTimeout(() => void this.relist(), this.o.retryMs ?? DEFAULT_RETRY_MS);
    }
  }

  /** One storage watch from `revision` (exclusive) feeds the cache. */
  private follow(revision: number): void {
    this.feed = this.storage.watch<T>(this.prefix, revision, {
      onEvent: (e) => this.apply(e),
      onProgress: (rev) => this.advance(rev),
      onError: (err) => this.feedFailed(err),
    });
    if (this.freshWaiters.size > 0) this.feed.requestProgress?.();
  }

  private feedFailed(err: StorageError): void {
    this.feed = undefined;
    if (this.state === "stopped") return;
    if (err.code === "ResourceVersionTooOld") {
      // The cache's position was compacted away: start over. Client watches end; their re-watch gets 410
      // when their own position is older than the new list.
      this.o.log?.warn({ cache: this.name, err: err.message }, "watch cache: revision compacted; relisting");
      this.state = "listing";
      this.terminateAll();
      void this.relist();
      return;
    }
    // etcd restarted or the connection dropped: resume where the cache is, as etcd's client does.
    this.o.log?.warn({ cache: this.name, err: err.message }, "watch cache: etcd watch failed; resuming");
    this.retryTimer = setTimeout(() => {
      if (this.state === "ready") this.follow(this.eventRevision);
    }, this.o.retryMs ?? DEFAULT_RETRY_MS);
  }

  private apply(e: StorageEvent<T>): void {
    const entry = this.objects.get(e.key);
    const event: StorageEvent<T> =
      e.type !== "ADDED" && e.previous === undefined && entry ? { ...e, previous: entry.object } : e;
    if (event.type === "DELETED") {
      if (entry) {
        this.objects.delete(event.key);
        this.sorted = undefined;
      }
    } else if (entry) {
      entry.object = event.object;
      entry.resourceVersion = event.resourceVersion;
      entry.added = undefined;
    } else {
      this.objects.set(event.key, { key: event.key, object: event.object, resourceVersion: event.resourceVersion });
      this.sorted = undefined;
    }
    this.ring.push(event, this.now());
    this.eventRevision = Math.max(this.eventRevision, event.resourceVersion);
    this.revision = Math.max(this.revision, event.resourceVersion);
    this.dispatch(event);
    this.wakeFresh();
  }

  /** A progress notification: nothing more happened under the prefix up to `revision`. */
  private advance(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    this.wakeFresh();
  }

  private dispatch(e: StorageEvent<T>): void {
    if (this.watcherCount === 0) return;
    this.dispatchTo(this.prefix, e);
    for (let i = e.key.indexOf("/", this.prefix.length); i !== -1; i = e.key.indexOf("/", i + 1)) {
      this.dispatchTo(e.key.slice(0, i + 1), e);
    }
    this.dispatchTo(e.key, e);
  }

  private dispatchTo(keyPrefix: string, e: StorageEvent<T>): void {
    const set = this.watchers.get(keyPrefix);
    if (set) for (const w of set) w.deliver(e);
  }

  private forget(w: CacheWatcher<T>): void {
    const set = this.watchers.get(w.keyPrefix);
    if (!set?.delete(w)) return;
    this.watcherCount--;
    if (set.size === 0) this.watchers.delete(w.keyPrefix);
  }

  private terminateAll(): void {
    for (const set of [...this.watchers.values()]) for (const w of [...set]) w.terminate();
  }
}

function under(keyPrefix: string, key: string): boolean {
  return keyPrefix.endsWith("/") ? key.startsWith(keyPrefix) : key === keyPrefix;
}

// The server's watch caches: one per etcd key prefix, made on first request
// and shared by every resource stored there (core and events.k8s.io events,
// autoscaling v1 and v2), so each prefix costs one etcd watch.

import type { Storage } from "./storage.js";
import { WatchCache, type WatchCacheLog, type WatchCacheOptions } from "./watch-cache.js";

export type SharedWatchCacheOptions = Omit<WatchCacheOptions, "capacity" | "name" | "log">;

export class WatchCaches {
  private readonly caches = new Map<string, WatchCache>();

  constructor(
    private readonly storage: Storage,
    private readonly options: SharedWatchCacheOptions = {},
    private readonly log?: WatchCacheLog,
  ) {}

  /** The cache of `prefix` (created, not yet started, on first call). */
  forPrefix<T>(prefix: string, name: string, capacity: number): WatchCache<T> {
    let cache = this.caches.get(prefix);
    if (!cache) {
      cache = new WatchCache(this.storage, prefix, { ...this.options, capacity, name, log: this.log });
      this.caches.set(prefix, cache);
    }
    return cache as unknown as WatchCache<T>;
  }

  /** Every cache made so far, by prefix. */
  all(): ReadonlyMap<string, WatchCache> {
    return this.caches;
  }

  stop(): void {
    for (const c of this.caches.values()) c.stop();
  }
}

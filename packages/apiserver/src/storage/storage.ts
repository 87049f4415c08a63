// The apiserver's storage interface (kube-apiserver's storage.Interface, cut to
// what Wharf's registry needs). Objects are JSON values under string keys;
// resourceVersion is the etcd mod_revision of the key. Implemented over any
// etcd v3 endpoint (Debian's etcd or brain) in etcd-storage.ts.

/** A stored object with the resource version it was read or written at. */
export interface Versioned<T = Record<string, unknown>> {
  object: T;
  /** etcd mod_revision of the key for this object. */
  resourceVersion: number;
}

export interface ListOptions {
  /** Most items to return; 0 = all. */
  limit?: number;
  /** Start strictly after this key (exclusive lower bound), for pagination. */
  startAfterKey?: string;
  /** Read at this revision (a paginated list pins the first page's revision); 0 = latest. */
  revision?: number;
}

export interface ListResult<T = Record<string, unknown>> {
  items: Array<Versioned<T> & { key: string }>;
  /** The revision the list was read at (header revision of the first page, or the pinned one). */
  revision: number;
  /** More items exist after the last one returned. */
  more: boolean;
  /** Items after this page (etcd count − returned), when `more`. */
  remaining: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StorageEvent<T = Record<string, unknown>> {
  type: WatchEventType;
  key: string;
  /** The new object (ADDED/MODIFIED) or the last state before deletion (DELETED). */
  object: T;
  /** For MODIFIED and DELETED: the state before this event. */
  previous?: T;
  /** The event's revision (the object's new resourceVersion; for DELETED the deletion revision). */
  resourceVersion: number;
}

export interface WatchHandle {
  /** Stops the watch; no further callbacks. */
  stop(): void;
  /**
   * Asks the store for a progress notification now (etcd's WatchProgressRequest,
   * etcd ≥ 3.4): onProgress follows once the watch has caught up. A watch
   * cache waiting for a revision on a quiet resource uses it.
   */
  requestProgress?(): void;
}

export interface WatchCallbacks<T = Record<string, unknown>> {
  /** Events in revision order, each exactly once. */
  onEvent(e: StorageEvent<T>): void;
  /** A progress notification: everything up to `revision` has been delivered. */
  onProgress?(revision: number): void;
  /** The watch ended: StorageError with code "ResourceVersionTooOld" when `fromRevision` was compacted, or "Unavailable". */
  onError(e: StorageError): void;
}

export type StorageErrorCode =
  | "KeyExists"
  | "KeyNotFound"
  | "Conflict"
  | "ResourceVersionTooOld"
  | "FutureResourceVersion"
  /** A read waited for a revision the store (or a watch cache) did not reach in time. */
  | "ResourceVersionTooLarge"
  | "Unavailable"
  | "InvalidObject";

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message?: string,
    /** The current revision, when known (e.g. for ResourceVersionTooOld). */
    readonly revision?: number,
  ) {
    super(message ?? `${code}: ${key}`);
    this.name = "StorageError";
  }
}

export interface Storage {
  /** Creates `key`; KeyExists if it exists. */
  create<T>(key: string, object: T, options?: { leaseTtlSeconds?: number }): Promise<Versioned<T>>;
  /** Reads `key`; undefined if absent. */
  get<T>(key: string): Promise<Versioned<T> | undefined>;
  /** Lists keys under `prefix` (which should end in "/") in key order. */
  list<T>(prefix: string, options?: ListOptions): Promise<ListResult<T>>;
  /** Counts keys under `prefix`. */
  count(prefix: string): Promise<number>;
  /**
   * kube-apiserver's GuaranteedUpdate: reads the current object, calls
   * `update` with it, writes the result if the key is still at that revision,
   * and retries on a concurrent change. `update` may throw to abort. When
   * `expectedResourceVersion` is given and differs from the stored one: Conflict.
   * KeyNotFound if the key does not exist (unless `ignoreNotFound`, then current is undefined).
   */
  guaranteedUpdate<T>(
    key: string,
    update: (current: Versioned<T> | undefined) => T | Promise<T>,
    options?: {
      expectedResourceVersion?: number;
      ignoreNotFound?: boolean;
      /**
       * Attach the written object to a (shared) lease with this TTL. Added because
       * kube's update function can return a TTL (events keep theirs on update);
       * without it the Put detaches any lease the key had, as in kube-apiserver.
       */
      leaseTtlSeconds?: number;
    },
  ): Promise<Versioned<T>>;
  /** Deletes `key` (if at `expectedResourceVersion` when given: else Conflict); returns the last state. KeyNotFound if absent. */
  delete<T>(key: string, options?: { expectedResourceVersion?: number }): Promise<Versioned<T>>;
  /** Watches keys under `prefix` (or exactly `key` if not ending in "/") from `fromRevision` (exclusive: events after it). */
  watch<T>(prefix: string, fromRevision: number, callbacks: WatchCallbacks<T>): WatchHandle;
  /** The latest revision of the store (a consistent read). */
  currentRevision(): Promise<number>;
  close(): void;
}

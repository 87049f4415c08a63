// Storage over any etcd v3 endpoint (Debian's etcd or brain), sending exactly
// the requests kube-apiserver's storage/etcd3 sends:
//   create  Txn If(MOD(k)=0) Then Put(k,v[,lease])
//   update  Txn If(MOD(k)=rev) Then Put(k,v[,lease]) Else Range(k)
//   delete  Txn If(MOD(k)=rev) Then DeleteRange(k) Else Range(k)
//   get     Range(k)
//   list    Range(start, prefixEnd(prefix), limit, revision); next page from lastKey+"\0" at the pinned revision
//   count   Range(prefix, prefixEnd(prefix), count_only)
//   watch   Watch(create{key, range_end, start_revision=rv+1, prev_kv, progress_notify}); progress_request on demand
//   leases  LeaseGrant(ttl + reuse), one lease shared by up to 1000 objects (kube's leaseManager)
// Values are JSON; resourceVersion is the key's mod_revision.

import { type ClientDuplexStream, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import {
  Compare,
  Compare_CompareResult,
  Compare_CompareTarget,
  type Event,
  Event_EventType,
  type KeyValue,
  LeaseGrantRequest,
  type LeaseGrantResponse,
  RangeRequest,
  type RangeResponse,
  RequestOp,
  TxnRequest,
  type TxnResponse,
  WatchRequest,
  type WatchResponse,
} from "@wharf/etcd-api";
import { EtcdEndpoints, type EtcdTlsFiles, isUnavailable } from "./etcd-endpoints.js";
import {
  type ListOptions,
  type ListResult,
  type Storage,
  StorageError,
  type StorageEvent,
  type Versioned,
  type WatchCallbacks,
  type WatchHandle,
} from "./storage.js";

/** kube-apiserver retries GuaranteedUpdate/Delete forever; we give up after this many lost races (as Conflict). */
const MAX_ATTEMPTS = 100;

export interface EtcdStorageOptions {
  /** Prepended to every key sent to etcd (default ""); keys handed back to callers never include it. */
  prefix?: string;
  /** For https:// endpoints: kube's --etcd-cafile, --etcd-certfile and --etcd-keyfile. */
  tls?: EtcdTlsFiles;
}

/** pino-compatible logging, as much as the storage uses. */
export interface EtcdStorageLog {
  warn(fields: object, msg: string): void;
}

/** A watch stream that failed is reopened on another endpoint this many times (paused between) before it is reported. */
const WATCH_RESUME_ATTEMPTS_PER_ENDPOINT = 2;
const WATCH_RESUME_PAUSE_MS = 100;

export class EtcdStorage implements Storage {
  private readonly leases: LeaseManager;
  private readonly watches = new Set<WatchHandle>();
  private closed = false;

  private constructor(
    private readonly endpoints: EtcdEndpoints,
    private readonly prefix: string,
  ) {
    this.leases = new LeaseManager((ttl) =>
      endpoints.unary<LeaseGrantResponse>("write", (e, cb) =>
        e.lease.leaseGrant(LeaseGrantRequest.fromPartial({ TTL: BigInt(ttl) }), cb),
      ),
    );
  }

  /**
   * Connects to every endpoint ("host:port", "http://host:port" or
   * "https://host:port"); calls are spread over them and fail over between
   * them as kube-apiserver's etcd client does (see etcd-endpoints.ts).
   */
  static connect(endpoints: string[], options: EtcdStorageOptions = {}): EtcdStorage {
    if (endpoints.length === 0) throw new Error("EtcdStorage.connect: no endpoints");
    return new EtcdStorage(new EtcdEndpoints(endpoints, options.tls), options.prefix ?? "");
  }

  /**
   * Resolves once etcd answers a read, retrying (and logging why) until then:
   * kube-apiserver likewise waits for its etcd connection before it serves.
   * Rejects only when the storage is closed meanwhile.
   */
  async waitUntilReachable(log?: EtcdStorageLog): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.currentRevision();
        return;
      } catch (e) {
        if (this.closed) throw e;
        const pause = Math.min(500 * 2 ** attempt, 5_000);
        log?.warn(
          { endpoints: this.endpoints.endpoints.map((x) => x.url), err: (e as Error).message, retryInMs: pause },
          "etcd is not reachable; retrying",
        );
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  async create<T>(key: string, object: T, options: { leaseTtlSeconds?: number } = {}): Promise<Versioned<T>> {
    const value = encode(key, object);
    const lease = await this.leaseFor(key, options.leaseTtlSeconds);
    const resp = await this.txn(key, 0, putOp(this.k(key), value, lease), undefined);
    if (!resp.succeeded) throw new StorageError("KeyExists", key);
    return { object: decode<T>(key, value), resourceVersion: txnRevision(resp) };
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const resp = await this.range(key, RangeRequest.fromPartial({ key: this.k(key) }));
    const kv = resp.kvs[0];
    return kv ? versioned<T>(key, kv) : undefined;
  }

  /**
   * `startAfterKey` is a key as returned in `items` (without the storage
   * prefix); the page starts at startAfterKey+"\0". Pass the first page's
   * `revision` with every further page, as kube-apiserver's continue token does.
   */
  async list<T>(prefix: string, options: ListOptions = {}): Promise<ListResult<T>> {
    const start = options.startAfterKey === undefined ? prefix : `${options.startAfterKey}\0`;
    if (options.startAfterKey !== undefined && !options.startAfterKey.startsWith(prefix)) {
      throw new Error(
        `list: startAfterKey ${JSON.stringify(options.startAfterKey)} is not under ${JSON.stringify(prefix)}`,
      );
    }
    const resp = await this.range(
      prefix,
      RangeRequest.fromPartial({
        key: this.k(start),
        rangeEnd: prefixEnd(this.k(prefix)),
        limit: BigInt(options.limit ?? 0),
        revision: BigInt(options.revision ?? 0),
      }),
    );
    const items = resp.kvs.map((kv) => ({ ...versioned<T>(prefix, kv), key: this.unprefixed(kv.key) }));
    return {
      items,
      revision: options.revision || headerRevision(resp),
      more: resp.more,
      remaining: resp.more ? Math.max(0, Number(resp.count) - items.length) : 0,
    };
  }

  async count(prefix: string): Promise<number> {
    const resp = await this.range(
      prefix,
      RangeRequest.fromPartial({ key: this.k(prefix), rangeEnd: prefixEnd(this.k(prefix)), countOnly: true }),
    );
    return Number(resp.count);
  }

  /**
   * `leaseTtlSeconds` (an addition to the Storage interface, optional there):
   * kube's update function may return a TTL, and the Put then carries a
   * (shared) lease; without it the Put detaches any lease the key had, exactly
   * like kube-apiserver.
   */
  async guaranteedUpdate<T>(
    key: string,
    update: (current: Versioned<T> | undefined) => T | Promise<T>,
    options: { expectedResourceVersion?: number; ignoreNotFound?: boolean; leaseTtlSeconds?: number } = {},
  ): Promise<Versioned<T>> {
    let state = await this.get<T>(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!state && !options.ignoreNotFound) throw new StorageError("KeyNotFound", key);
      checkPrecondition(key, state, options.expectedResourceVersion);
      const next = await update(state);
      const value = encode(key, next);
      const nextObject = decode<T>(key, value);
      if (state && deepEqual(nextObject, state.object)) {
        // kube-apiserver's no-op optimisation: nothing changed, nothing written.
        return state;
      }
      const lease = await this.leaseFor(key, options.leaseTtlSeconds);
      const resp = await this.txn(key, state?.resourceVersion ?? 0, putOp(this.k(key), value, lease), this.k(key));
      if (resp.succeeded) return { object: nextObject, resourceVersion: txnRevision(resp) };
      state = this.elseState<T>(key, resp);
    }
    throw new StorageError("Conflict", key, `guaranteedUpdate: ${key} kept changing (${MAX_ATTEMPTS} attempts)`);
  }

  /**
   * Returns the last state; its resourceVersion is the revision of the
   * deletion (kube-apiserver decodes the deleted object with the DeleteRange
   * header's revision).
   */
  async delete<T>(key: string, options: { expectedResourceVersion?: number } = {}): Promise<Versioned<T>> {
    let state = await this.get<T>(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!state) throw new StorageError("KeyNotFound", key);
      checkPrecondition(key, state, options.expectedResourceVersion);
      const del = RequestOp.fromPartial({ requestDeleteRange: { key: this.k(key) } });
      const resp = await this.txn(key, state.resourceVersion, del, this.k(key));
      if (resp.succeeded) return { object: state.object, resourceVersion: txnRevision(resp) };
      state = this.elseState<T>(key, resp);
    }
    throw new StorageError("Conflict", key, `delete: ${key} kept changing (${MAX_ATTEMPTS} attempts)`);
  }

  /**
   * One etcd Watch stream per call. `fromRevision` 0 watches from "now"
   * (etcd's start_revision 0), as kube-apiserver does for rv 0 after its list.
   * When the stream's member goes away the watch is reopened on another
   * endpoint from the revision after the last one delivered, as clientv3
   * resumes its watchers: the caller sees nothing. Only when no endpoint
   * takes it does the caller get Unavailable.
   */
  watch<T>(prefix: string, fromRevision: number, callbacks: WatchCallbacks<T>): WatchHandle {
    let done = false;
    let stream: ClientDuplexStream<WatchRequest, WatchResponse> | undefined;
    let retry: NodeJS.Timeout | undefined;
    // etcd's start_revision for the next stream: 0 ("now") until the first stream says where now is.
    let next = fromRevision > 0 ? fromRevision + 1 : 0;
    let failures = 0;
    const maxFailures = WATCH_RESUME_ATTEMPTS_PER_ENDPOINT * this.endpoints.endpoints.length;
    const handle: WatchHandle = {
      stop: () => {
        if (done) return;
        done = true;
        clearTimeout(retry);
        this.watches.delete(handle);
        stream?.cancel();
      },
      requestProgress: () => {
        if (!done) stream?.write(WatchRequest.fromPartial({ progressRequest: {} }));
      },
    };
    const fail = (e: StorageError) => {
      if (done) return;
      handle.stop();
      callbacks.onError(e);
    };
    const open = () => {
      const endpoint = this.endpoints.order()[0]!;
      const metadata = new Metadata();
      metadata.set("hasleader", "true"); // clientv3.WithRequireLeader, as kube's watcher sets
      const s: ClientDuplexStream<WatchRequest, WatchResponse> = endpoint.watch.watch(metadata);
      stream = s;
      const current = () => !done && stream === s;
      const lost = (why: string) => {
        if (!current()) return;
        stream = undefined;
        s.cancel();
        this.endpoints.failed(endpoint);
        if (++failures > maxFailures || this.closed) {
          return fail(new StorageError("Unavailable", prefix, `watch: ${why}`));
        }
        // A member that just went away: straight to the next one; then pause, as the cluster may be electing.
        const pause = failures === 1 ? 0 : Math.min(WATCH_RESUME_PAUSE_MS * 2 ** (failures - 2), 1_000);
        retry = setTimeout(open, pause);
      };
      s.on("data", (resp: WatchResponse) => {
        if (!current()) return;
        if (resp.created) {
          failures = 0;
          if (next === 0) next = headerRevision(resp) + 1;
        }
        const result = this.decodeWatchResponse<T>(prefix, resp);
        if (result.error) return fail(result.error);
        for (const e of result.events) {
          if (!current()) return;
          next = e.resourceVersion + 1;
          callbacks.onEvent(e);
        }
        if (result.progress !== undefined && current()) {
          next = Math.max(next, result.progress + 1);
          callbacks.onProgress?.(result.progress);
        }
      });
      s.on("error", (e: ServiceError) => {
        if (!current()) return;
        if (isUnavailable(e)) return lost(`${endpoint.url}: ${e.details || e.message}`);
        const mapped = mapError(e, prefix);
        fail(mapped instanceof StorageError ? mapped : new StorageError("Unavailable", prefix, `watch: ${e.message}`));
      });
      s.on("end", () => lost(`${endpoint.url}: watch stream ended`));
      s.write(
        WatchRequest.fromPartial({
          createRequest: {
            key: this.k(prefix),
            rangeEnd: prefix.endsWith("/") ? prefixEnd(this.k(prefix)) : Buffer.alloc(0),
            startRevision: BigInt(next),
            prevKv: true,
            progressNotify: true,
          },
        }),
      );
    };
    this.watches.add(handle);
    open();
    return handle;
  }

  /** Range(key, limit 1), as kube 1.31's GetCurrentResourceVersionFromStorage; only the header counts. */
  async currentRevision(): Promise<number> {
    const key = `${this.prefix}/`;
    const resp = await this.range(key, RangeRequest.fromPartial({ key: Buffer.from(key), limit: 1n }));
    return headerRevision(resp);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.stop();
    this.endpoints.close();
  }

  /**
   * Maps one WatchResponse to events, a progress notification or an error.
   * Separate from the stream so a multiplexing watch cache can reuse it.
   */
  private decodeWatchResponse<T>(
    prefix: string,
    resp: WatchResponse,
  ): { events: StorageEvent<T>[]; progress?: number; error?: StorageError } {
    const revision = headerRevision(resp);
    if (resp.compactRevision > 0n) {
      return {
        events: [],
        error: new StorageError(
          "ResourceVersionTooOld",
          prefix,
          `watch ${prefix}: required revision has been compacted (compact revision ${resp.compactRevision})`,
          revision,
        ),
      };
    }
    if (resp.canceled) {
      return {
        events: [],
        error: new StorageError("Unavailable", prefix, `watch ${prefix} canceled: ${resp.cancelReason || "no reason"}`),
      };
    }
    if (resp.created) return { events: [] };
    if (resp.events.length === 0) return { events: [], progress: revision };
    const events: StorageEvent<T>[] = [];
    try {
      for (const e of resp.events) events.push(this.toStorageEvent<T>(e));
    } catch (err) {
      if (err instanceof StorageError) return { events, error: err };
      throw err;
    }
    return { events };
  }

  private toStorageEvent<T>(e: Event): StorageEvent<T> {
    const kv = e.kv;
    if (!kv) throw new StorageError("InvalidObject", "", "watch event without kv");
    const key = this.unprefixed(kv.key);
    const resourceVersion = Number(kv.modRevision);
    if (e.type === Event_EventType.Delete) {
      // kube-apiserver's parseEvent refuses a non-create event without prev_kv.
      if (!e.prevKv) throw new StorageError("InvalidObject", key, `etcd DELETE event for ${key} without prev_kv`);
      return {
        type: "DELETED",
        key,
        object: decode<T>(key, e.prevKv.value),
        previous: decode<T>(key, e.prevKv.value),
        resourceVersion,
      };
    }
    const object = decode<T>(key, kv.value);
    if (kv.createRevision === kv.modRevision) return { type: "ADDED", key, object, resourceVersion };
    if (!e.prevKv) throw new StorageError("InvalidObject", key, `etcd PUT event for ${key} without prev_kv`);
    return { type: "MODIFIED", key, object, previous: decode<T>(key, e.prevKv.value), resourceVersion };
  }

  private k(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  private unprefixed(key: Buffer): string {
    const s = key.toString("utf8");
    return s.startsWith(this.prefix) ? s.slice(this.prefix.length) : s;
  }

  private async leaseFor(key: string, ttl: number | undefined): Promise<bigint> {
    if (ttl === undefined || ttl <= 0) return 0n;
    try {
      return await this.leases.getLease(ttl);
    } catch (e) {
      throw mapError(e, key);
    }
  }

  private async range(key: string, req: RangeRequest): Promise<RangeResponse> {
    try {
      return await this.endpoints.unary<RangeResponse>("read", (e, cb) => e.kv.range(req, cb));
    } catch (e) {
      throw mapError(e, key);
    }
  }

  /** Txn If(MOD(k)=rev) Then op [Else Range(elseGet)]. */
  private async txn(key: string, rev: number, op: RequestOp, elseGet: Buffer | undefined): Promise<TxnResponse> {
    const req = TxnRequest.fromPartial({
      compare: [
        Compare.fromPartial({
          key: this.k(key),
          target: Compare_CompareTarget.Mod,
          result: Compare_CompareResult.Equal,
          modRevision: BigInt(rev),
        }),
      ],
      success: [op],
      failure: elseGet ? [RequestOp.fromPartial({ requestRange: { key: elseGet } })] : [],
    });
    try {
      return await this.endpoints.unary<TxnResponse>("write", (e, cb) => e.kv.txn(req, cb));
    } catch (e) {
      const mapped = mapError(e, key);
      if (op.requestPut?.lease && isLeaseNotFound(e)) this.leases.reset(); // the shared lease expired or was revoked
      throw mapped;
    }
  }

  /** The current state from a failed update/delete Txn's Else Range(k). */
  private elseState<T>(key: string, resp: TxnResponse): Versioned<T> | undefined {
    const kv = resp.responses[0]?.responseRange?.kvs[0];
    return kv ? versioned<T>(key, kv) : undefined;
  }
}

/**
 * kube-apiserver's leaseManager: a lease granted for ttl+reuse is handed out
 * again to objects whose TTL ends within the reuse window (min(5% of TTL, 60 s)),
 * to at most 1000 objects.
 */
export class LeaseManager {
  private prevLeaseId = 0n;
  private prevExpiry = 0; // ms since epoch
  private attached = 0;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly grant: (ttlSeconds: number) => Promise<LeaseGrantResponse>,
    private readonly options: { reusePercent: number; maxReuseSeconds: number; maxAttached: number } = {
      reusePercent: 0.05,
      maxReuseSeconds: 60,
      maxAttached: 1000,
    },
    private readonly now: () => number = Date.now,
  ) {}

  getLease(ttlSeconds: number): Promise<bigint> {
    const run = this.lock.then(() => this.getLeaseLocked(ttlSeconds));
    this.lock = run.catch(() => undefined);
    return run;
  }

  reset(): void {
    this.prevLeaseId = 0n;
    this.prevExpiry = 0;
    this.attached = 0;
  }

  private async getLeaseLocked(ttlSeconds: number): Promise<bigint> {
    const now = this.now();
    const reuse = Math.min(Math.floor(this.options.reusePercent * ttlSeconds), this.options.maxReuseSeconds);
    const valid = this.prevLeaseId !== 0n && now + ttlSeconds * 1000 < this.prevExpiry;
    const sufficient = now + (ttlSeconds + reuse) * 1000 > this.prevExpiry;
    if (valid && sufficient && this.attached < this.options.maxAttached) {
      this.attached++;
      return this.prevLeaseId;
    }
    const granted = ttlSeconds + reuse;
    const resp = await this.grant(granted);
    this.prevLeaseId = resp.ID;
    this.prevExpiry = now + granted * 1000;
    this.attached = 1;
    return resp.ID;
  }
}

/** The smallest key greater than every key with this prefix ("\0" = no end when the prefix is all 0xff). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function putOp(key: Buffer, value: Buffer, lease: bigint): RequestOp {
  return RequestOp.fromPartial({ requestPut: { key, value, lease } });
}

function encode(key: string, object: unknown): Buffer {
  const json = JSON.stringify(object);
  if (json === undefined) throw new StorageError("InvalidObject", key, `cannot encode ${typeof object} as JSON`);
  return Buffer.from(json);
}

function decode<T>(key: string, value: Buffer): T {
  try {
    return JSON.parse(value.toString("utf8")) as T;
  } catch (e) {
    throw new StorageError("InvalidObject", key, `stored value of ${key} is not JSON: ${(e as Error).message}`);
  }
}

function versioned<T>(key: string, kv: KeyValue): Versioned<T> {
  return { object: decode<T>(key, kv.value), resourceVersion: Number(kv.modRevision) };
}

function headerRevision(resp: { header?: { revision: bigint } | undefined }): number {
  return Number(resp.header?.revision ?? 0n);
}

function txnRevision(resp: TxnResponse): number {
  const op = resp.responses[0];
  return headerRevision(op?.responsePut ?? op?.responseDeleteRange ?? resp);
}

function checkPrecondition(key: string, state: Versioned<unknown> | undefined, expected: number | undefined): void {
  if (expected === undefined || expected === 0) return;
  if (state?.resourceVersion !== expected) {
    throw new StorageError(
      "Conflict",
      key,
      `Precondition failed: ResourceVersion in precondition: ${expected}, ResourceVersion in object: ${state?.resourceVersion ?? "none"}`,
    );
  }
}

function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === "number";
}

function isLeaseNotFound(e: unknown): boolean {
  return isServiceError(e) && e.code === status.NOT_FOUND && /lease not found/.test(e.details ?? "");
}

/** gRPC errors → StorageError where kube-apiserver maps them; anything else is returned unchanged. */
function mapError(e: unknown, key: string): unknown {
  if (e instanceof StorageError || !isServiceError(e)) return e;
  // grpc-js ends "No connection established" texts with an empty resolver note.
  const details = (e.details ?? e.message).replace(/\. Resolution note: *$/, "");
  if (e.code === status.UNAVAILABLE || e.code === status.DEADLINE_EXCEEDED) {
    return new StorageError("Unavailable", key, `etcd unavailable: ${details}`);
  }
  if (e.code === status.OUT_OF_RANGE) {
    if (/compacted/.test(details)) return new StorageError("ResourceVersionTooOld", key, details);
    if (/future revision/.test(details)) return new StorageError("FutureResourceVersion", key, details);
  }
  return e;
}

/** Structural equality of JSON values. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
}

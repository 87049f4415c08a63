import { isDeepStrictEqual } from "node:util";
import {
  alreadyExists,
  badRequest,
  conflict,
  decodeContinueToken,
  encodeContinueToken,
  type FieldError,
  type FieldSelector,
  fillCreateMeta,
  forbiddenField,
  internalError,
  invalid as invalidStatus,
  type LabelSelector,
  notFound,
  notSupportedField,
  parseResourceVersion,
  resourceExpired,
  StatusError,
  tooLargeResourceVersion,
  validateObjectMeta,
} from "@wharf/apimachinery";
import { type Storage, StorageError, type StorageEvent, type WatchHandle } from "../storage/storage.js";
import type { WatchCache } from "../storage/watch-cache.js";
import type { DeleteOptions } from "./delete-options.js";
import { type DeleteOutcome, type DeletionAccess, deleteObject } from "./deletion.js";
import { type DeletionMeta, keepDeletionMeta, shouldDeleteDuringUpdate } from "./finalizers.js";
import { apiVersionOf, type ResourceDefinition, servedSubresource } from "./resource-definition.js";
import { builtinStrategies, strategyKey } from "./strategies/index.js";
import { semanticEqual } from "./strategies/quantities.js";
import type { KindStrategy, KubeObject, ObjectMeta } from "./strategy.js";

export type { KubeObject, ObjectMeta } from "./strategy.js";

export interface ListQuery {
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  /** "Exact", "NotOlderThan" or unset (kube's legacy semantics). */
  resourceVersionMatch?: string;
  /** Whether the request carried sendInitialEvents (its value): refused in 1.28, where WatchList is off. */
  sendInitialEvents?: boolean;
}

/** Per-request watch options beside the query. */
export interface WatchOptions {
  /** allowWatchBookmarks=true: BOOKMARK events while the watch is quiet. */
  allowWatchBookmarks?: boolean;
  /** When the watch's timeout closes it (ms since the epoch); the last bookmark goes out 2 s before. */
  deadline?: number;
}

/** How a store serves lists and watches beside storage. */
export interface StoreWatchConfig {
  /**
   * The watch cache of the store's key prefix, or undefined when the resource
   * is not cached (its lists and watches then go to storage). Called once.
   */
  cache?(keyPrefix: string): WatchCache<KubeObject> | undefined;
  /** How often a watch with allowWatchBookmarks gets a bookmark (kube: every minute). */
  bookmarkIntervalMs?: number;
}

/** A storage event as served: decoded once and shared by every watcher it goes to. */
interface ServedEvent {
  object: KubeObject;
  previous?: KubeObject;
  /** `object` with its apiVersion, kind and the event's resourceVersion. */
  served: KubeObject;
  /** The watch events made of it, one per type a watcher may see it as. */
  as: Partial<Record<"ADDED" | "MODIFIED" | "DELETED", WatchEvent>>;
}

/** The group and kind of kube's 422 for bad list options. */
const LIST_OPTIONS_KIND = { group: "meta.k8s.io", kind: "ListOptions" };

/**
 * Which part of an object an update may change: "main" (all but status, for
 * kinds with a status subresource), "status" (only status), "internal" (all;
 * the server's own writes such as namespace termination), or a function
 * merging the request into the stored object (scale, binding, approval…).
 */
export type UpdateMode = "main" | "status" | "internal" | ((next: KubeObject, stored: KubeObject) => KubeObject);

/** Records a write's field ownership in the object (after defaulting): `old` is the stored object, if any. */
export type ManagedFieldsTracker = (obj: KubeObject, old: KubeObject | undefined) => void;

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject;
}

/**
 * kube-apiserver's generic registry store for one resource: keys, metadata
 * on create, optimistic concurrency through resourceVersion, selectors,
 * pagination and watch, over any Storage. Per-resource behaviour is
 * configuration (ResourceDefinition), not code.
 */
export class GenericStore {
  readonly qualified: { group: string; resource: string };
  private readonly strategy: KindStrategy;
  /** Whether writes to the main resource leave status alone (kinds with a status subresource). */
  private readonly hasStatus: boolean;
  /** The watch cache serving this resource's watches and RV=0 lists; undefined: straight to storage. */
  readonly watchCache: WatchCache<KubeObject> | undefined;
  private readonly servedEvents = new WeakMap<StorageEvent<KubeObject>, ServedEvent>();

  constructor(
    readonly def: ResourceDefinition,
    private readonly storage: Storage,
    private readonly prefix: string,
    private readonly watchConfig: StoreWatchConfig = {},
  ) {
    this.qualified = { group: def.group, resource: def.resource };
    this.strategy = def.strategy ?? builtinStrategies.get(strategyKey(def.group, def.kind)) ?? {};
    this.hasStatus = servedSubresource(def, "status") !== undefined;
    this.watchCache = watchConfig.cache?.(this.keyPrefix());
  }

  /** The served shape of a stored object (events.k8s.io and autoscaling/v1 are kept in another version's shape). */
  private decode(stored: KubeObject): KubeObject {
    return this.def.conversion ? this.def.conversion.fromStorage(stored) : stored;
  }

  /** The stored shape of a served object. */
  private encode(obj: KubeObject): KubeObject {
    const c = this.def.conversion;
    return c ? { ...c.toStorage(obj), apiVersion: c.storageApiVersion } : obj;
  }

  /**
   * The stored shape of a create. A create sets no status on a kind with a
   * status subresource; with a conversion, the status comes from the object's
   * own status fields only, never from what its metadata carries (autoscaling/v1's
   * annotations hold current metrics and conditions), as kube's PrepareForCreate
   * clears the status after conversion.
   */
  private encodeCreate(obj: KubeObject): KubeObject {
    const out = this.encode(obj);
    if (!this.def.conversion || !this.hasStatus || this.def.resetStatusOnCreate === false) return out;
    const status = this.encode({ ...obj, metadata: {} }).status;
    if (status === undefined) delete out.status;
    else out.status = status;
    return out;
  }

  /**
   * The stored shape of an update. With a conversion, what the update may not
   * change is kept as stored rather than taken back from the served version
   * (which need not hold all of it: autoscaling/v1 keeps most of an HPA in
   * annotations a client may have edited): a spec update keeps the stored
   * status, a status update the stored spec, a deletion's everything but
   * metadata — as kube's strategies copy them from the old internal object.
   */
  private encodeUpdate(next: KubeObject, stored: KubeObject, mode: UpdateMode | "metadata"): KubeObject {
    const out = this.encode(next);
    if (!this.def.conversion) return out;
    if (mode === "metadata") return { ...stored, metadata: out.metadata };
    if (mode === "status") {
      const kept: KubeObject = { ...stored, metadata: out.metadata };
      if (out.status === undefined) delete kept.status;
      else kept.status = out.status;
      return kept;
    }
    if (mode === "main" && this.hasStatus) {
      if (stored.status === undefined) delete out.status;
      else out.status = structuredClone(stored.status);
    }
    return out;
  }

  /**
   * Whether an update changes what metadata.generation counts: every field
   * but metadata and status (and labels for kinds that count them).
   */
  private specChanged(next: KubeObject, old: KubeObject): boolean {
    const strip = ({ metadata, status: _s, apiVersion: _a, kind: _k, ...rest }: KubeObject) => ({
      rest,
      labels: this.def.generation === "labels" ? ((metadata as ObjectMeta | undefined)?.labels ?? {}) : undefined,
    });
    return !semanticEqual(strip(next), strip(old));
  }

  /** kube answers a selector on a field the kind does not index with 400 before reading anything. */
  checkFieldSelector(q: ListQuery): void {
    const metaFields = this.def.metadataFields ?? ["metadata.name", "metadata.namespace"];
    for (const t of q.fieldSelector?.terms ?? []) {
      if (!metaFields.includes(t.field) && !Object.hasOwn(this.def.fieldSelectors ?? {}, t.field)) {
        throw badRequest(`field label not supported: ${t.field}`);
      }
    }
  }

  /** Defaults `obj` in place and throws kube's 422 when it (or its change from `old`) is invalid. */
  private admit(
    obj: KubeObject,
    old?: KubeObject,
    validate = true,
    track?: ManagedFieldsTracker,
    defaulted = false,
  ): void {
    // kube defaults while decoding, then prepares (PrepareForCreate/PrepareForUpdate), then validates.
    if (!defaulted) this.strategy.default?.(obj);
    // The field manager sees the request as decoded (defaulted), before the strategy prepares it.
    track?.(obj, old);
    if (!old) this.strategy.prepareForCreate?.(obj);
    else this.strategy.prepareForUpdate?.(obj, old);
    if (!validate) return;
    const meta = obj.metadata as ObjectMeta;
    const errors = validateObjectMeta(meta, {
      namespaced: this.def.namespaced,
      nameValidator: this.strategy.nameValidator,
    });
    errors.push(...(this.strategy.validate?.(obj, old) ?? []));
    if (old) errors.push(...(this.strategy.validateUpdate?.(obj, old) ?? []));
    if (errors.length > 0) throw invalidStatus({ group: this.def.group, kind: this.def.kind }, meta.name ?? "", errors);
  }

  /** The etcd key prefix of the resource, or of one namespace of it. */
  keyPrefix(namespace?: string): string {
    const base = `${this.prefix}/${this.def.storagePath}/`;
    return this.def.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  key(namespace: string | undefined, name: string): string {
    return this.def.namespaced ? `${this.keyPrefix()}${namespace}/${name}` : `${this.keyPrefix()}${name}`;
  }

  /** A stored object as served: decoded, with its resourceVersion. */
  private served(stored: KubeObject, rv: number): KubeObject {
    return this.withVersion(this.decode(stored), rv);
  }

  private withVersion(obj: KubeObject, rv: number): KubeObject {
    const meta = { ...(obj.metadata ?? {}), resourceVersion: String(rv) };
    return { ...obj, apiVersion: apiVersionOf(this.def), kind: this.def.kind, metadata: meta };
  }

  private checkKind(obj: KubeObject): void {
    const apiVersion = apiVersionOf(this.def);
    if (
      (obj.kind !== undefined && obj.kind !== this.def.kind) ||
      (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion)
    ) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion ?? ""}) does not match the expected API version (${apiVersion})`,
      );
    }
  }

  async create(
    namespace: string | undefined,
    input: KubeObject,
    dryRun = false,
    track?: ManagedFieldsTracker,
  ): Promise<KubeObject> {
    this.checkKind(input);
    // Create cannot set status on kinds with a status subresource (their strategies' PrepareForCreate).
    const cleared =
      this.hasStatus && this.def.resetStatusOnCreate !== false ? { ...input, status: {} } : (input as KubeObject);
    const obj = (this.def.prepareForCreate?.(cleared) ?? cleared) as KubeObject;
    const meta: ObjectMeta = { ...(obj.metadata ?? {}) };
    if (this.def.generation) meta.generation = 1;
    if (this.def.namespaced) {
      if (meta.namespace && meta.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.namespace = namespace;
    } else delete meta.namespace;
    const filled = fillCreateMeta(meta) as ObjectMeta;
    delete filled.resourceVersion;
    // Defaulting writes in place: work on a copy, never on the caller's object.
    const toStore = structuredClone({
      ...obj,
      apiVersion: apiVersionOf(this.def),
      kind: this.def.kind,
      metadata: filled,
    }) as KubeObject;
    this.admit(toStore, undefined, true, track);
    if (dryRun) return this.withVersion(toStore, 0);
    try {
      const v = await this.storage.create(this.key(namespace, filled.name!), this.encodeCreate(toStore));
      return this.served(v.object, v.resourceVersion);
    } catch (e) {
      throw this.mapError(e, filled.name!);
    }
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    let v: Awaited<ReturnType<Storage["get"]>>;
    try {
      v = await this.storage.get<KubeObject>(this.key(namespace, name));
    } catch (e) {
      throw this.mapError(e, name);
    }
    if (!v) throw notFound(this.qualified, name);
    return this.served(v.object as KubeObject, v.resourceVersion);
  }

  /**
   * Replaces an object. deletionTimestamp is the server's: a client cannot set
   * or clear it; `internal` updates (namespace termination) may set it, and
   * may change status on the main resource.
   */
  async update(
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    dryRun = false,
    internal = false,
    track?: ManagedFieldsTracker,
  ): Promise<KubeObject> {
    return this.write(namespace, name, obj, internal ? "internal" : "main", dryRun, undefined, track);
  }

  /** PUT on /status: only status changes; never generation. */
  async updateStatus(
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    dryRun = false,
  ): Promise<KubeObject> {
    return this.write(namespace, name, obj, "status", dryRun);
  }

  /**
   * The one update path: `obj` is the request (its metadata.resourceVersion,
   * if any, is the precondition), `mode` says which parts of it are taken.
   */
  async write(
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    mode: UpdateMode,
    dryRun = false,
    /**
     * Whether the kind's validation runs: on main-resource writes and scale,
     * as kube's update strategy; /status, binding, finalize and approval
     * have their own kube strategies that do not re-validate the spec.
     */
    validate = mode === "main" || mode === "internal",
    /** Records the write in metadata.managedFields (the HTTP layer's field manager). */
    track?: ManagedFieldsTracker,
  ): Promise<KubeObject> {
    if (typeof mode !== "function") this.checkKind(obj);
    const meta = (obj.metadata ?? {}) as ObjectMeta;
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    const expected = meta.resourceVersion ? Number(meta.resourceVersion) : undefined;
    if (meta.resourceVersion && !Number.isSafeInteger(expected)) {
      throw badRequest(`invalid resource version: ${meta.resourceVersion}`);
    }
    try {
      const v = await this.storage.guaranteedUpdate<KubeObject>(
        this.key(namespace, name),
        (current) => {
          const cur = this.decode(current!.object);
          const curMeta = (cur.metadata ?? {}) as ObjectMeta;
          // A merging mode builds on the stored object; the others on the request.
          const next: KubeObject =
            typeof mode === "function"
              ? mode(structuredClone(obj), structuredClone(cur))
              : (structuredClone({ ...obj, apiVersion: apiVersionOf(this.def), kind: this.def.kind }) as KubeObject);
          // Fields the server owns survive an update that omits them.
          const nextMeta: ObjectMeta = {
            ...(next.metadata ?? {}),
            name,
            namespace: this.def.namespaced ? namespace : undefined,
            uid: curMeta.uid,
            creationTimestamp: curMeta.creationTimestamp,
          };
          next.metadata = nextMeta;
          delete nextMeta.resourceVersion;
          if (nextMeta.namespace === undefined) delete nextMeta.namespace;
          const deletionErrors = keepDeletionMeta(
            nextMeta as DeletionMeta,
            curMeta as DeletionMeta,
            mode === "internal",
          );
          if (deletionErrors.length > 0) {
            throw invalidStatus({ group: this.def.group, kind: this.def.kind }, name, deletionErrors);
          }
          // Requests cannot set generation (rest.BeforeUpdate); the kind's rule below may bump it.
          if (curMeta.generation === undefined) delete nextMeta.generation;
          else nextMeta.generation = curMeta.generation;
          if (mode === "main") {
            if (this.hasStatus) {
              if (cur.status === undefined) delete next.status;
              else next.status = structuredClone(cur.status);
            }
            this.def.prepareForUpdate?.(next, cur);
          } else if (mode === "status") {
            // Everything but metadata and status stays as stored.
            const own = ["apiVersion", "kind", "metadata", "status"];
            for (const k of Object.keys(next)) if (!own.includes(k)) delete next[k];
            for (const [k, val] of Object.entries(cur)) if (!own.includes(k)) next[k] = structuredClone(val);
            this.def.prepareForStatusUpdate?.(next, cur);
          }
          // kube compares the decoded, so defaulted, object: defaults a body left out are no change.
          const defaultFirst = Boolean(this.def.generation) && mode !== "status";
          if (defaultFirst) {
            this.strategy.default?.(next);
            if (this.specChanged(next, cur)) (next.metadata as ObjectMeta).generation = (curMeta.generation ?? 0) + 1;
          }
          this.admit(next, cur, validate, track, defaultFirst);
          if (mode === "status") {
            const errors = this.strategy.validateStatusUpdate?.(next, cur) ?? [];
            if (errors.length > 0) throw invalidStatus({ group: this.def.group, kind: this.def.kind }, name, errors);
          }
          // Removing the last finalizer of a deleting object deletes it (kube's ShouldDeleteDuringUpdate).
          if (shouldDeleteDuringUpdate(next, cur, this.def.resource, this.def.group)) {
            throw new DeleteDuringUpdate(next, current!.resourceVersion);
          }
          if (dryRun) throw new DryRunResult(next, current!.resourceVersion);
          return isDeepStrictEqual(next, cur) ? current!.object : this.encodeUpdate(next, current!.object, mode);
        },
        { expectedResourceVersion: expected },
      );
      return this.served(v.object, v.resourceVersion);
    } catch (e) {
      if (e instanceof DryRunResult) return this.withVersion(e.object, e.resourceVersion);
      if (e instanceof DeleteDuringUpdate)
        return this.deleteDuringUpdate(namespace, name, e, obj, mode, dryRun, validate, track);
      throw this.mapError(e, name);
    }
  }

  /**
   * Deletes an object whose update left it without finalizers while it was
   * being deleted, if it is still as the update saw it (else the update runs
   * again); answers with the updated object, as kube does.
   */
  private async deleteDuringUpdate(
    namespace: string | undefined,
    name: string,
    d: DeleteDuringUpdate,
    obj: KubeObject,
    mode: UpdateMode,
    dryRun: boolean,
    validate: boolean,
    track: ManagedFieldsTracker | undefined,
  ): Promise<KubeObject> {
    if (!dryRun) {
      try {
        await this.storage.delete(this.key(namespace, name), { expectedResourceVersion: d.resourceVersion });
      } catch (e) {
        if (e instanceof StorageError && e.code === "Conflict")
          return this.write(namespace, name, obj, mode, dryRun, validate, track);
        // Racing updates may both remove the last finalizer: the object is gone either way.
        if (!(e instanceof StorageError && e.code === "KeyNotFound")) throw this.mapError(e, name);
      }
    }
    return this.withVersion(d.object, d.resourceVersion);
  }

  /** kube's Store.Delete with DeleteOptions (deletion.ts): finalizers, graceful deletion, preconditions, dry run. */
  deleteWithOptions(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<DeleteOutcome> {
    return deleteObject(this.deletionAccess(namespace, name), options);
  }

  /** The storage operations on one object that deletion.ts builds on, in the served shape. */
  private deletionAccess(namespace: string | undefined, name: string): DeletionAccess {
    const key = this.key(namespace, name);
    return {
      def: this.def,
      qualified: this.qualified,
      name,
      key,
      get: async () => {
        const v = await this.storage.get<KubeObject>(key).catch((e) => Promise.reject(this.mapError(e, name)));
        return v && this.served(v.object, v.resourceVersion);
      },
      update: async (update, dryRun) => {
        try {
          const v = await this.storage.guaranteedUpdate<KubeObject>(key, (current) => {
            const next = update(this.served(structuredClone(current!.object), current!.resourceVersion));
            delete (next.metadata as ObjectMeta).resourceVersion;
            if (dryRun) throw new DryRunResult(next, current!.resourceVersion);
            return this.encodeUpdate(next, current!.object, "metadata");
          });
          return this.served(v.object, v.resourceVersion);
        } catch (e) {
          if (e instanceof DryRunResult) return this.withVersion(e.object, e.resourceVersion);
          throw e;
        }
      },
      remove: async (resourceVersion, dryRun) => {
        if (dryRun) return this.get(namespace, name);
        const v = await this.storage.delete<KubeObject>(key, { expectedResourceVersion: resourceVersion });
        return this.served(v.object, v.resourceVersion);
      },
      mapError: (e) => this.mapError(e, name),
    };
  }

  async delete(namespace: string | undefined, name: string, expectedResourceVersion?: number): Promise<KubeObject> {
    try {
      const v = await this.storage.delete<KubeObject>(this.key(namespace, name), { expectedResourceVersion });
      return this.served(v.object, v.resourceVersion);
    } catch (e) {
      throw this.mapError(e, name);
    }
  }

  /** `obj` is a served (decoded) object. */
  private matches(obj: KubeObject, q: ListQuery): boolean {
    const meta = (obj.metadata ?? {}) as ObjectMeta;
    if (q.labelSelector && !q.labelSelector.matches(meta.labels ?? {})) return false;
    if (q.fieldSelector) {
      const fields: Record<string, string> = { "metadata.name": meta.name ?? "" };
      if (this.def.namespaced) fields["metadata.namespace"] = meta.namespace ?? "";
      for (const [field, read] of Object.entries(this.def.fieldSelectors ?? {})) fields[field] = read(obj);
      if (!q.fieldSelector.matches(fields)) return false;
    }
    return true;
  }

  /**
   * kube's ValidateListOptions (1.28, WatchList off): 422 Invalid on
   * ListOptions.meta.k8s.io for resourceVersionMatch without a resourceVersion,
   * with continue, of an unknown value, "Exact" at "0", and for sendInitialEvents.
   */
  private checkListOptions(q: ListQuery, watch: boolean): void {
    const match = q.resourceVersionMatch ?? "";
    const errors: FieldError[] = [];
    if (watch) {
      if (q.sendInitialEvents !== undefined) {
        if (match !== "NotOlderThan") {
          errors.push(
            forbiddenField(
              "resourceVersionMatch",
              "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
            ),
          );
        }
        errors.push(
          forbiddenField(
            "sendInitialEvents",
            "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled",
          ),
        );
      }
      if (match !== "") {
        if (q.sendInitialEvents === undefined) {
          errors.push(
            forbiddenField(
              "resourceVersionMatch",
              "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
            ),
          );
        }
        if (match !== "NotOlderThan") errors.push(notSupportedField("resourceVersionMatch", match, ["NotOlderThan"]));
        if (q.continueToken) {
          errors.push(
            forbiddenField("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"),
          );
        }
      }
    } else {
      if (match !== "") {
        if (!q.resourceVersion) {
          errors.push(
            forbiddenField(
              "resourceVersionMatch",
              "resourceVersionMatch is forbidden unless resourceVersion is provided",
            ),
          );
        }
        if (q.continueToken) {
          errors.push(
            forbiddenField("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"),
          );
        }
        if (match !== "Exact" && match !== "NotOlderThan") {
          errors.push(notSupportedField("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""]));
        }
        if (match === "Exact" && q.resourceVersion === "0") {
          errors.push(
            forbiddenField("resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
          );
        }
      }
      if (q.sendInitialEvents !== undefined) {
        errors.push(forbiddenField("sendInitialEvents", "sendInitialEvents is forbidden for list"));
      }
    }
    if (errors.length > 0) throw invalidStatus(LIST_OPTIONS_KIND, "", errors);
  }

  /**
   * Lists as kube-apiserver 1.28 does with its watch cache: resourceVersion
   * "0" (limit ignored, no continue) and "N" without a limit (not older than
   * N: waits up to 3 s for the cache, else 504 ResourceVersionTooLarge) come
   * from the cache; unset (a consistent read), continue, limit with N, and
   * resourceVersionMatch=Exact (a read at revision N) go to etcd. RV=0 before
   * the cache has its first list also goes to etcd.
   */
  async list(q: ListQuery): Promise<KubeObject> {
    this.checkFieldSelector(q);
    this.checkListOptions(q, false);
    const rv = parseResourceVersion(q.resourceVersion ?? "");
    const match = q.resourceVersionMatch ?? "";
    const cache = this.watchCache;
    if (cache && this.listableFromCache(q, match)) {
      if (q.resourceVersion !== "0" || cache.ready) return this.listFromCache(cache, q, rv);
      cache.start();
    }
    return this.listFromStorage(q, rv, match);
  }

  /** kube 1.28's shouldDelegateList, negated. */
  private listableFromCache(q: ListQuery, match: string): boolean {
    if (q.continueToken || !q.resourceVersion) return false;
    if (match !== "" && match !== "NotOlderThan") return false;
    return q.resourceVersion === "0" || !(q.limit && q.limit > 0);
  }

  private async listFromCache(cache: WatchCache<KubeObject>, q: ListQuery, rv: number): Promise<KubeObject> {
    let listed: Awaited<ReturnType<WatchCache<KubeObject>["list"]>>;
    try {
      listed = await cache.list(this.keyPrefix(q.namespace), rv);
    } catch (e) {
      if (e instanceof StorageError && e.code === "ResourceVersionTooLarge") {
        throw tooLargeResourceVersion(rv, e.revision ?? 0, 1);
      }
      throw this.mapError(e, "");
    }
    // Items share the cache's objects below their top level: readers must not mutate them.
    const items: KubeObject[] = [];
    for (const it of listed.items) {
      const obj = this.decode(it.object);
      if (this.matches(obj, q)) items.push(this.withVersion(obj, it.resourceVersion));
    }
    return {
      kind: this.def.listKind,
      apiVersion: apiVersionOf(this.def),
      metadata: { resourceVersion: String(listed.revision) },
      items,
    };
  }

  /**
   * etcd3's GetList: a continue token reads at its revision; Exact (and a
   * legacy N with a limit) at N; otherwise the latest revision, which must
   * not be older than N.
   */
  private async listFromStorage(q: ListQuery, rv: number, match: string): Promise<KubeObject> {
    const prefix = this.keyPrefix(q.namespace);
    const limit = q.limit && q.limit > 0 ? q.limit : 0;
    let startAfterKey: string | undefined;
    let revision = 0;
    let minimum = 0;
    let continueStart: string | undefined;
    if (q.continueToken) {
      const t = decodeContinueToken(q.continueToken);
      continueStart = t.start;
      startAfterKey = `${prefix}${t.start}`;
      // rv -1: the token an expired continue is answered with, resuming at the current revision.
      revision = Math.max(t.rv, 0);
      // The token's start is relative to the prefix; its key is the last one returned plus "\0" in kube's encoding.
      startAfterKey = startAfterKey.endsWith("\u0000") ? startAfterKey.slice(0, -1) : startAfterKey;
    } else if (match === "Exact" || (match === "" && rv > 0 && limit > 0)) {
      revision = rv;
    } else {
      minimum = rv;
    }
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let more = false;
    let remaining = 0;
    let listRev = revision;
    try {
      // Filtering may drop items: read further pages until the limit is filled, as kube-apiserver does.
      for (;;) {
        const page = await this.storage.list<KubeObject>(prefix, {
          limit: limit ? Math.max(limit - items.length, 1) : 0,
          startAfterKey,
          revision: listRev,
        });
        if (minimum > page.revision) throw tooLargeResourceVersion(minimum, page.revision, 0);
        listRev = page.revision;
        for (const it of page.items) {
          lastKey = it.key;
          const obj = this.decode(it.object);
          if (this.matches(obj, q)) items.push(this.withVersion(obj, it.resourceVersion));
        }
        more = page.more;
        remaining = page.remaining;
        if (!more || !limit || items.length >= limit) break;
        startAfterKey = lastKey;
      }
    } catch (e) {
      if (e instanceof StorageError && e.code === "ResourceVersionTooOld") {
        if (continueStart !== undefined) {
          const expired = resourceExpired(
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
          );
          // The remainder can still be read, at the current revision: kube answers with a token for that.
          expired.status.metadata = { continue: encodeContinueToken({ rv: -1, start: continueStart }) };
          throw expired;
        }
        throw resourceExpired("The resourceVersion for the provided list is too old.");
      }
      throw this.mapError(e, "");
    }
    const metadata: Record<string, unknown> = { resourceVersion: String(listRev) };
    if (more && lastKey !== undefined) {
      metadata.continue = encodeContinueToken({ rv: listRev, start: `${lastKey.slice(prefix.length)}\u0000` });
      if (!q.labelSelector && !q.fieldSelector && remaining > 0) metadata.remainingItemCount = remaining;
    }
    return { kind: this.def.listKind, apiVersion: apiVersionOf(this.def), metadata, items };
  }

  /**
   * What a watch refuses with an error response rather than in its stream:
   * unsupported field selectors, bad list options and resource versions.
   * Returns the revision to watch from (0: the current state first).
   */
  checkWatch(q: ListQuery): number {
    this.checkFieldSelector(q);
    this.checkListOptions(q, true);
    return parseResourceVersion(q.resourceVersion ?? "");
  }

  /**
   * Watches from `resourceVersion` ("" or "0": the current state as ADDED
   * first), from the resource's watch cache when it has one, else with its
   * own storage watch. Objects that stop matching the selectors arrive as
   * DELETED, those that start matching as ADDED, as kube-apiserver's watch
   * cache does. Throws a StatusError (kube sends it as the stream's ERROR
   * event) when the watch cannot start, e.g. 410 Expired for a revision older
   * than the cache's window; `onEnd` reports a later end.
   */
  async watch(
    q: ListQuery,
    send: (e: WatchEvent) => void,
    onEnd: (e?: StatusError) => void,
    options: WatchOptions = {},
  ): Promise<WatchHandle> {
    const from = this.checkWatch(q);
    const prefix = this.keyPrefix(q.namespace);
    const onEvent = (e: StorageEvent<KubeObject>) => {
      const we = this.watchEventFor(e, q);
      if (we) send(we);
    };
    const cache = this.watchCache;
    if (cache) {
      try {
        return await cache.watch(
          prefix,
          from,
          {
            onEvent,
            onBookmark: (rv) => send(this.bookmark(rv)),
            onEnd: (err) => onEnd(err && this.watchError(err, true)),
          },
          {
            allowBookmarks: options.allowWatchBookmarks,
            bookmarkIntervalMs: this.watchConfig.bookmarkIntervalMs,
            deadline: options.deadline,
          },
        );
      } catch (e) {
        throw this.watchError(e, true);
      }
    }
    let start = from;
    if (from === 0) {
      const initial = await this.listFromStorage({ ...q, limit: 0, continueToken: undefined }, 0, "");
      for (const item of initial.items as KubeObject[]) send({ type: "ADDED", object: item });
      start = Number((initial.metadata as { resourceVersion: string }).resourceVersion);
    }
    return this.storage.watch<KubeObject>(prefix, start, {
      onEvent,
      // kube's etcd watcher turns etcd's progress notifications into bookmarks for clients that allow them.
      onProgress: options.allowWatchBookmarks ? (rv) => send(this.bookmark(rv)) : undefined,
      onError: (e: StorageError) => onEnd(this.watchError(e, false)),
    });
  }

  /**
   * The watch event a storage event is for a watcher with these selectors,
   * or none: leaving the selection is DELETED, entering it ADDED. Decoding and
   * the served object are made once per storage event and shared by all its
   * watchers (and so is the serialized line, by the HTTP layer).
   */
  private watchEventFor(e: StorageEvent<KubeObject>, q: ListQuery): WatchEvent | undefined {
    let d = this.servedEvents.get(e);
    if (!d) {
      const object = this.decode(e.object);
      d = {
        object,
        previous: e.previous === undefined ? undefined : this.decode(e.previous),
        served: this.withVersion(object, e.resourceVersion),
        as: {},
      };
      this.servedEvents.set(e, d);
    }
    const now = e.type !== "DELETED" && this.matches(d.object, q);
    const before = d.previous !== undefined && this.matches(d.previous, q);
    let type: "ADDED" | "MODIFIED" | "DELETED" | undefined;
    if (e.type === "ADDED") type = now ? "ADDED" : undefined;
    else if (e.type === "MODIFIED") type = now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : undefined;
    else if (before || (d.previous === undefined && this.matches(d.object, q))) type = "DELETED";
    if (type === undefined) return undefined;
    d.as[type] ??= { type, object: d.served };
    return d.as[type];
  }

  /** kube's bookmark: an object of the kind with only its resourceVersion set. */
  private bookmark(rv: number): WatchEvent {
    return {
      type: "BOOKMARK",
      object: {
        kind: this.def.kind,
        apiVersion: apiVersionOf(this.def),
        metadata: { resourceVersion: String(rv), creationTimestamp: null } as unknown as ObjectMeta,
      },
    };
  }

  /**
   * 410 Expired for a position that is gone: the watch cache's "too old
   * resource version: N (M)", or etcd3's text for a compacted revision on a
   * direct watch.
   */
  private watchError(e: unknown, cached: boolean): StatusError {
    if (e instanceof StatusError) return e;
    if (e instanceof StorageError && e.code === "ResourceVersionTooOld") {
      return resourceExpired(cached ? e.message : "The resourceVersion for the provided watch is too old.");
    }
    return internalError(e instanceof Error ? e : new Error(String(e)));
  }

  private mapError(e: unknown, name: string): unknown {
    if (e instanceof StatusError) return e;
    const etcd = (e as { details?: unknown } | undefined)?.details;
    if (typeof etcd === "string" && etcd.startsWith("etcdserver: ")) {
      // An error etcd answered that kube's storage does not interpret ("etcdserver: request is too large"):
      // its text as a 500 without a reason (kube's ErrorToAPIStatus for errors that are not a Status).
      return new StatusError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: etcd,
        code: 500,
      });
    }
    if (!(e instanceof StorageError)) return internalError(e instanceof Error ? e : new Error(String(e)));
    switch (e.code) {
      case "KeyExists":
        return alreadyExists(this.qualified, name);
      case "KeyNotFound":
        return notFound(this.qualified, name);
      case "Conflict":
        return conflict(
          this.qualified,
          name,
          "the object has been modified; please apply your changes to the latest version and try again",
        );
      case "ResourceVersionTooOld":
        return resourceExpired(e.message);
      default:
        return internalError(e);
    }
  }
}

/** Carries an update that leaves a deleting object without finalizers out of guaranteedUpdate. */
class DeleteDuringUpdate {
  constructor(
    readonly object: KubeObject,
    readonly resourceVersion: number,
  ) {}
}

/** Carries a dry-run update's result out of guaranteedUpdate without writing. */
class DryRunResult {
  constructor(
    readonly object: KubeObject,
    readonly resourceVersion: number,
  ) {}
}

import { conflict, type GroupResource, isNotFound, notFound, type Status } from "@wharf/apimachinery";
import { type DeleteOptions, isDryRun, type Preconditions } from "./delete-options.js";
import { defaultGarbageCollectionPolicy, returnsDeletedObject } from "./deletion-policy.js";
import { type DeletionMeta, garbageCollectionFinalizers, markAsDeleting } from "./finalizers.js";
import type { ListQuery } from "./generic-store.js";
import { beforeDelete } from "./graceful-deletion.js";
import type { ResourceDefinition } from "./resource-definition.js";
import type { KubeObject } from "./strategy.js";

// kube-apiserver 1.28's Store.Delete and Store.DeleteCollection over the
// storage operations one object's store hands it (DeletionAccess): graceful
// deletion, finalizers, the garbage collector's finalizers from the
// propagation policy, preconditions and dry run.

/** The storage operations on one object that deletion builds on; objects in their served shape. */
export interface DeletionAccess {
  def: ResourceDefinition;
  qualified: GroupResource;
  name: string;
  /** The etcd key, named in storage-level precondition errors. */
  key: string;
  /** The stored object now (a consistent read), or undefined. */
  get(): Promise<KubeObject | undefined>;
  /**
   * kube's GuaranteedUpdate: `update` gets a copy of the current object
   * (metadata.resourceVersion set) and returns the next, or throws to abort
   * (its error comes out as thrown). Dry run: the result, unwritten. A
   * no-op change writes nothing.
   */
  update(update: (current: KubeObject) => KubeObject, dryRun: boolean): Promise<KubeObject>;
  /**
   * Deletes the key if it is still at `resourceVersion` (else a storage
   * Conflict); returns the last state with the deletion's resourceVersion.
   * Dry run: the current object, undeleted.
   */
  remove(resourceVersion: number, dryRun: boolean): Promise<KubeObject>;
  /** Maps storage errors to kube's Status errors. */
  mapError(e: unknown): unknown;
}

export interface DeleteOutcome {
  /** What the response carries: the object (still there, or as deleted when the resource returns it) or a Status. */
  object: KubeObject | Status;
  /** Whether the object left storage (false: it waits for finalizers or its grace period). */
  deleted: boolean;
}

const ALREADY_DELETING = Symbol("alreadyDeleting");
const DELETE_NOW = Symbol("deleteNow");

const metaOf = (o: KubeObject) => (o.metadata ?? {}) as DeletionMeta;

/** kube's finalizeDelete: the object for resources that return it, else a Success Status naming it. */
function finalizeDelete(a: DeletionAccess, obj: KubeObject): KubeObject | Status {
  if (returnsDeletedObject(a.def)) return obj;
  const meta = metaOf(obj);
  const details: Status["details"] = { name: meta.name ?? a.name };
  if (a.qualified.group) details.group = a.qualified.group;
  details.kind = a.qualified.resource;
  if (meta.uid) details.uid = meta.uid;
  // No code: kube's store leaves it unset and the handler does not fill it in.
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details } as Status;
}

/** The storage's precondition check (etcd3's Preconditions.Check), met only when the object changed under a delete. */
function checkStoragePreconditions(a: DeletionAccess, current: KubeObject, p: Preconditions | undefined): void {
  const meta = metaOf(current);
  let msg: string | undefined;
  if (p?.uid !== undefined && p.uid !== meta.uid) {
    msg = `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${meta.uid ?? ""}`;
  } else if (p?.resourceVersion !== undefined && p.resourceVersion !== meta.resourceVersion) {
    msg = `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ""}`;
  }
  if (msg !== undefined) {
    throw conflict(
      a.qualified,
      a.name,
      `StorageError: invalid object, Code: 4, Key: ${a.key}, ResourceVersion: 0, AdditionalErrorMsg: ${msg}`,
    );
  }
}

/** Deletes the object if it still meets the preconditions; retries while it changes under us. */
async function removeChecked(a: DeletionAccess, p: Preconditions | undefined, dryRun: boolean): Promise<KubeObject> {
  for (let attempt = 0; ; attempt++) {
    const current = await a.get();
    if (!current) throw notFound(a.qualified, a.name);
    checkStoragePreconditions(a, current, p);
    try {
      return await a.remove(Number(metaOf(current).resourceVersion), dryRun);
    } catch (e) {
      const mapped = a.mapError(e);
      if ((mapped as { reason?: string }).reason === "Conflict" && attempt < 8) continue;
      throw mapped;
    }
  }
}

interface GracefulUpdate {
  alreadyDeleting?: boolean;
  deleteImmediately: boolean;
  ignoreNotFound: boolean;
  out?: KubeObject;
  lastExisting?: KubeObject;
}

/** kube's updateForGracefulDeletionAndFinalizers. */
async function updateForGracefulDeletionAndFinalizers(
  a: DeletionAccess,
  options: DeleteOptions,
  now: Date,
): Promise<GracefulUpdate> {
  let lastGraceful = 0;
  let pendingFinalizers = false;
  let lastExisting: KubeObject | undefined;
  let out: KubeObject;
  try {
    out = await a.update((existing) => {
      checkStoragePreconditions(a, existing, options.preconditions);
      const b = beforeDelete(a.def, existing, options, now);
      if (b.pending) throw ALREADY_DELETING;
      const meta = metaOf(existing);
      const gc = garbageCollectionFinalizers(defaultGarbageCollectionPolicy(a.def), meta.finalizers, options);
      if (gc.changed) {
        if (gc.finalizers.length > 0) meta.finalizers = gc.finalizers;
        else delete meta.finalizers;
      }
      existing.metadata = meta;
      pendingFinalizers = (meta.finalizers ?? []).length > 0;
      if (!b.graceful) {
        if (!pendingFinalizers) throw DELETE_NOW;
        markAsDeleting(meta, now);
        return existing;
      }
      lastGraceful = options.gracePeriodSeconds ?? 0;
      lastExisting = existing;
      return existing;
    }, isDryRun(options));
  } catch (e) {
    if (e === DELETE_NOW) return { deleteImmediately: true, ignoreNotFound: false, lastExisting };
    if (e === ALREADY_DELETING) return { alreadyDeleting: true, deleteImmediately: false, ignoreNotFound: false };
    throw a.mapError(e);
  }
  if (pendingFinalizers || lastGraceful > 0) return { deleteImmediately: false, ignoreNotFound: false, out };
  // A graceless deletion of a graceful resource: the update went through; now delete, tolerating a racing delete.
  return { deleteImmediately: true, ignoreNotFound: true, out, lastExisting };
}

/**
 * kube's Store.Delete: validates the options and preconditions, then either
 * marks the object (finalizers pending, or a pod's grace period) and returns
 * it as it now is, or deletes it from storage.
 */
export async function deleteObject(
  a: DeletionAccess,
  input: DeleteOptions,
  now: () => Date = () => new Date(),
): Promise<DeleteOutcome> {
  const options = structuredClone(input);
  const dryRun = isDryRun(options);
  const obj = await a.get();
  if (!obj) throw notFound(a.qualified, a.name);
  const preconditions = options.preconditions ? { ...options.preconditions } : undefined;
  const b = beforeDelete(a.def, structuredClone(obj), options, now());
  if (b.pending) return { object: finalizeDelete(a, obj), deleted: false };
  const meta = metaOf(obj);
  const pendingFinalizers = (meta.finalizers ?? []).length > 0;
  const gc = garbageCollectionFinalizers(defaultGarbageCollectionPolicy(a.def), meta.finalizers, options);
  let result: GracefulUpdate = { deleteImmediately: true, ignoreNotFound: false };
  if (b.graceful || pendingFinalizers || gc.changed) {
    result = await updateForGracefulDeletionAndFinalizers(a, options, now());
    if (result.alreadyDeleting) return { object: finalizeDelete(a, obj), deleted: false };
    if (result.deleteImmediately && preconditions?.resourceVersion !== undefined && result.out) {
      preconditions.resourceVersion = metaOf(result.out).resourceVersion;
    }
  }
  if (!result.deleteImmediately) return { object: result.out!, deleted: false };
  if (dryRun && result.out) return { object: result.out, deleted: true };
  try {
    const removed = await removeChecked(a, preconditions, dryRun);
    return { object: finalizeDelete(a, removed), deleted: true };
  } catch (e) {
    if (isNotFound(e) && result.ignoreNotFound && result.lastExisting) {
      return { object: finalizeDelete(a, result.lastExisting), deleted: true };
    }
    throw e;
  }
}

/** The store side of a collection delete. */
export interface CollectionStore {
  def: ResourceDefinition;
  list(q: ListQuery): Promise<KubeObject>;
  deleteWithOptions(namespace: string | undefined, name: string, options: DeleteOptions): Promise<DeleteOutcome>;
}

/** kube's page size for listing what a collection delete deletes. */
const DELETE_COLLECTION_PAGE_SIZE = 10000;

/**
 * kube's Store.DeleteCollection: lists (all pages, or the one page a limit
 * asks for) and deletes each item with its own copy of the options, skipping
 * items already gone. Answers with the list as it was read.
 */
export async function deleteCollection(
  store: CollectionStore,
  query: ListQuery,
  options: DeleteOptions,
): Promise<KubeObject> {
  const hasLimit = (query.limit ?? 0) > 0;
  let q = { ...query, limit: hasLimit ? query.limit : DELETE_COLLECTION_PAGE_SIZE };
  let first: KubeObject | undefined;
  const items: KubeObject[] = [];
  for (;;) {
    const page = await store.list(q);
    const pageItems = (page.items ?? []) as KubeObject[];
    for (const item of pageItems) {
      const m = metaOf(item);
      try {
        await store.deleteWithOptions(store.def.namespaced ? m.namespace : undefined, m.name!, options);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    items.push(...pageItems);
    if (hasLimit) return page;
    first ??= page;
    const cont = (page.metadata as { continue?: string } | undefined)?.continue;
    if (!cont) break;
    q = { ...q, continueToken: cont, resourceVersion: undefined, resourceVersionMatch: undefined };
  }
  const metadata = { ...(first!.metadata as Record<string, unknown>) };
  delete metadata.continue;
  delete metadata.remainingItemCount;
  return { ...first!, metadata, items };
}

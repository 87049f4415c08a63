import {
  type FieldError,
  FieldError as FieldErrorClass,
  FieldErrorType,
  formatTimestamp,
  goQuote,
} from "@wharf/apimachinery";
import type { DeleteOptions } from "./delete-options.js";
import type { GarbageCollectionPolicy } from "./deletion-policy.js";
import type { KubeObject, ObjectMeta } from "./strategy.js";

// Finalizers and the deletion fields of ObjectMeta, as kube-apiserver 1.28's
// generic store keeps them: the garbage collector's two finalizers chosen
// from the delete options, the mark of an object waiting for its finalizers,
// the update that removes the last finalizer of such an object (and so
// deletes it), and what an update may not change.

/** metav1.FinalizerOrphanDependents: the garbage collector orphans the dependents, then removes it. */
export const FINALIZER_ORPHAN = "orphan";
/** metav1.FinalizerDeleteDependents: the garbage collector deletes the blocking dependents first. */
export const FINALIZER_FOREGROUND = "foregroundDeletion";

/** The deletion fields of ObjectMeta. */
export interface DeletionMeta extends ObjectMeta {
  finalizers?: string[];
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
}

/** kube's shouldOrphanDependents: options over the object's finalizers over the resource's default. */
function shouldOrphan(policy: GarbageCollectionPolicy, finalizers: string[], o: DeleteOptions): boolean {
  if (policy === "Unsupported") return false;
  if (o.orphanDependents !== undefined) return o.orphanDependents;
  if (o.propagationPolicy === "Orphan") return true;
  if (o.propagationPolicy === "Background" || o.propagationPolicy === "Foreground") return false;
  for (const f of finalizers) {
    if (f === FINALIZER_ORPHAN) return true;
    if (f === FINALIZER_FOREGROUND) return false;
  }
  return policy === "OrphanDependents";
}

/** kube's shouldDeleteDependents. */
function shouldDeleteDependents(policy: GarbageCollectionPolicy, finalizers: string[], o: DeleteOptions): boolean {
  if (policy === "Unsupported") return false;
  if (o.orphanDependents !== undefined) return false;
  if (o.propagationPolicy === "Foreground") return true;
  if (o.propagationPolicy === "Background" || o.propagationPolicy === "Orphan") return false;
  for (const f of finalizers) {
    if (f === FINALIZER_FOREGROUND) return true;
    if (f === FINALIZER_ORPHAN) return false;
  }
  return false;
}

/**
 * kube's deletionFinalizersForGarbageCollection: the object's finalizers with
 * `orphan` and `foregroundDeletion` set as the options (or the object, or the
 * resource's default) ask, and whether that changes the set.
 */
export function garbageCollectionFinalizers(
  policy: GarbageCollectionPolicy,
  finalizers: string[] | undefined,
  o: DeleteOptions,
): { changed: boolean; finalizers: string[] } {
  const old = finalizers ?? [];
  const next = old.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (shouldOrphan(policy, old, o)) next.push(FINALIZER_ORPHAN);
  if (shouldDeleteDependents(policy, old, o)) next.push(FINALIZER_FOREGROUND);
  const a = new Set(old);
  const b = new Set(next);
  const same = a.size === b.size && [...a].every((f) => b.has(f));
  return same ? { changed: false, finalizers: old } : { changed: true, finalizers: next };
}

/**
 * kube's markAsDeleting for an object that waits for finalizers: the
 * deletionTimestamp is now (unless an earlier one stands), the grace period 0,
 * and generation goes up the first time.
 */
export function markAsDeleting(meta: DeletionMeta, now: Date): void {
  if (meta.deletionTimestamp === undefined && (meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
  if (meta.deletionTimestamp === undefined || Date.parse(meta.deletionTimestamp) > now.getTime()) {
    meta.deletionTimestamp = formatTimestamp(now);
  }
  meta.deletionGracePeriodSeconds = 0;
}

/**
 * kube's ShouldDeleteDuringUpdate: an update leaving a deleting object
 * without finalizers deletes it, unless it is still in a grace period.
 * Namespaces wait for their spec.finalizers too.
 */
export function shouldDeleteDuringUpdate(next: KubeObject, old: KubeObject, resource: string, group: string): boolean {
  const n = (next.metadata ?? {}) as DeletionMeta;
  const o = (old.metadata ?? {}) as DeletionMeta;
  if ((n.finalizers ?? []).length > 0 || o.deletionTimestamp === undefined) return false;
  if (group === "" && resource === "namespaces") {
    if (((next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0) return false;
  }
  return !o.deletionGracePeriodSeconds;
}

/** A field error whose bad value is printed as Go prints it (already rendered). */
class RenderedFieldError extends FieldErrorClass {
  constructor(
    type: FieldErrorType,
    field: string,
    private readonly rendered: string,
    detail: string,
  ) {
    super(type, field, rendered, detail);
  }

  override body(): string {
    const head = this.type === FieldErrorType.Forbidden ? "Forbidden" : `Invalid value: ${this.rendered}`;
    return this.detail ? `${head}: ${this.detail}` : head;
  }
}

/** time.Time's String() for a UTC RFC 3339 timestamp: "2024-05-01 10:00:00 +0000 UTC". */
function goTime(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : `${d.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

/**
 * What an update does to the deletion fields (kube's rest.BeforeUpdate and
 * ValidateObjectMetaUpdate): a deletionTimestamp stays as it is, an omitted
 * deletionGracePeriodSeconds is kept, neither may be set or changed by the
 * request (`internal`: the server's own writes may set them), and no
 * finalizer may be added once the object is being deleted. Adjusts `next` in
 * place and returns the field errors.
 */
export function keepDeletionMeta(next: DeletionMeta, old: DeletionMeta, internal: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp !== undefined) {
    const added = [...new Set(next.finalizers ?? [])].filter((f) => !(old.finalizers ?? []).includes(f)).sort();
    if (added.length > 0) {
      errs.push(
        new RenderedFieldError(
          FieldErrorType.Forbidden,
          "metadata.finalizers",
          "",
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => goQuote(f)).join(", ")}}`,
        ),
      );
    }
  }
  if (old.deletionTimestamp !== undefined) next.deletionTimestamp = old.deletionTimestamp;
  else if (next.deletionTimestamp !== undefined && next.deletionTimestamp !== null && !internal) {
    errs.push(
      new RenderedFieldError(
        FieldErrorType.Invalid,
        "metadata.deletionTimestamp",
        goTime(next.deletionTimestamp),
        "field is immutable",
      ),
    );
  } else if (next.deletionTimestamp === null) delete next.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined && (next.deletionGracePeriodSeconds ?? null) === null) {
    next.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  }
  if (next.deletionGracePeriodSeconds === null) delete next.deletionGracePeriodSeconds;
  if (next.deletionGracePeriodSeconds !== old.deletionGracePeriodSeconds && !internal) {
    errs.push(
      new RenderedFieldError(
        FieldErrorType.Invalid,
        "metadata.deletionGracePeriodSeconds",
        String(next.deletionGracePeriodSeconds ?? "null"),
        "field is immutable",
      ),
    );
  }
  return errs;
}

import { conflict, forbidden, formatTimestamp, isConflict } from "@wharf/apimachinery";
import type { WatchCacheLog } from "../storage/watch-cache.js";
import { checkDeleteOptions, type DeleteOptions, isDryRun } from "./delete-options.js";
import type { DeleteOutcome } from "./deletion.js";
import { type DeletionMeta, FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from "./finalizers.js";
import type { GenericStore } from "./generic-store.js";
import { NamespaceController } from "./namespace-controller.js";
import type { ContentDiscovery } from "./namespaced-content.js";

/** Namespaces kube-apiserver refuses to delete. */
const UNDELETABLE = new Set(["default", "kube-system", "kube-public"]);

/** Tries of the first deletion's update while the namespace changes under it. */
const MAX_ATTEMPTS = 8;

/** kube's shouldHaveOrphanFinalizer: the options decide, else the namespace keeps what it has. */
function shouldHaveOrphan(o: DeleteOptions, has: boolean): boolean {
  if (o.orphanDependents !== undefined) return o.orphanDependents;
  if (o.propagationPolicy !== undefined) return o.propagationPolicy === "Orphan";
  return has;
}

/** kube's shouldHaveDeleteDependentsFinalizer. */
function shouldHaveForeground(o: DeleteOptions, has: boolean): boolean {
  if (o.orphanDependents !== undefined) return !o.orphanDependents;
  if (o.propagationPolicy !== undefined) return o.propagationPolicy === "Foreground";
  return has;
}

/** The namespace's metadata.finalizers with the garbage collector's two as the options ask. */
function withGcFinalizers(finalizers: string[], o: DeleteOptions): string[] {
  const next = finalizers.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (shouldHaveOrphan(o, finalizers.includes(FINALIZER_ORPHAN))) next.push(FINALIZER_ORPHAN);
  if (shouldHaveForeground(o, finalizers.includes(FINALIZER_FOREGROUND))) next.push(FINALIZER_FOREGROUND);
  return next;
}

export interface NamespaceLifecycleOptions {
  /** Run the namespace controller (default on; off only in tests that need a namespace to stay Terminating). */
  finalize?: boolean;
  log?: WatchCacheLog;
}

/**
 * kube-apiserver's NamespaceLifecycle admission and namespace REST Delete:
 * nothing new may be created in a namespace that does not exist or is
 * terminating; deleting a namespace marks it Terminating, and the namespace
 * controller (namespace-controller.ts) empties it and removes its
 * `kubernetes` finalizer, which deletes it.
 */
export class NamespaceLifecycle {
  private readonly controller?: NamespaceController;

  constructor(
    private readonly namespaces: GenericStore,
    discover: () => ContentDiscovery,
    options: NamespaceLifecycleOptions = {},
  ) {
    if (options.finalize !== false) this.controller = new NamespaceController(namespaces, discover, options.log);
  }

  /** Admission for a create in `namespace`: 404 if it does not exist, 403 if it is terminating. */
  async admitCreate(store: GenericStore, namespace: string, name: string): Promise<void> {
    const ns = await this.namespaces.get(undefined, namespace);
    if ((ns.metadata as DeletionMeta).deletionTimestamp) {
      const err = forbidden(
        store.qualified,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
      // Controllers recognise this refusal by its cause (v1.NamespaceTerminatingCause).
      err.status.details = {
        ...err.status.details,
        causes: [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      };
      throw err;
    }
  }

  /**
   * kube's namespace REST Delete: the first delete marks the namespace
   * Terminating (deletionTimestamp, phase, the garbage collector's
   * finalizers from the options) and answers it; later ones answer it as it
   * is while spec.finalizers remain, then delete it as the generic store
   * does (waiting for metadata.finalizers). A dry run changes nothing.
   */
  async delete(name: string, options: DeleteOptions = {}): Promise<DeleteOutcome> {
    checkDeleteOptions(options);
    if (UNDELETABLE.has(name)) throw forbidden(this.namespaces.qualified, name, "this namespace may not be deleted");
    const dryRun = isDryRun(options);
    let current = await this.namespaces.get(undefined, name);
    for (let attempt = 0; ; attempt++) {
      const meta = current.metadata as DeletionMeta;
      this.checkPreconditions(name, meta, options);
      if (meta.deletionTimestamp) break;
      const next = structuredClone(current);
      const nextMeta = next.metadata as DeletionMeta;
      nextMeta.deletionTimestamp = formatTimestamp(new Date());
      next.status = { ...(current.status as object), phase: "Terminating" };
      const finalizers = withGcFinalizers(meta.finalizers ?? [], options);
      if (finalizers.length > 0) nextMeta.finalizers = finalizers;
      else delete nextMeta.finalizers;
      try {
        const terminating = await this.namespaces.update(undefined, name, next, dryRun, true);
        if (!dryRun) this.controller?.enqueue(name);
        return { object: terminating, deleted: false };
      } catch (e) {
        if (!isConflict(e) || attempt + 1 >= MAX_ATTEMPTS) throw e;
        current = await this.namespaces.get(undefined, name);
      }
    }
    const spec = current.spec as { finalizers?: string[] } | undefined;
    if ((spec?.finalizers ?? []).length > 0) return { object: current, deleted: false };
    return this.namespaces.deleteWithOptions(undefined, name, options);
  }

  /** Starts the namespace controller; namespaces an earlier run left Terminating are taken up first. */
  async resume(): Promise<void> {
    await this.controller?.start();
  }

  stop(): void {
    this.controller?.stop();
  }

  /** The namespace storage's own precondition checks and texts. */
  private checkPreconditions(name: string, meta: DeletionMeta, options: DeleteOptions): void {
    const p = options.preconditions;
    if (p?.uid !== undefined && p.uid !== meta.uid) {
      throw conflict(
        this.namespaces.qualified,
        name,
        `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${meta.uid ?? ""}`,
      );
    }
    if (p?.resourceVersion !== undefined && p.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        this.namespaces.qualified,
        name,
        `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ""}`,
      );
    }
  }
}

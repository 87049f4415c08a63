import { conflict, forbidden, formatTimestamp } from "@wharf/apimachinery";
import { checkDeleteOptions, type DeleteOptions, isDryRun } from "./delete-options.js";
import type { GenericStore, KubeObject } from "./generic-store.js";

/** Namespaces kube-apiserver refuses to delete. */
const UNDELETABLE = new Set(["default", "kube-system", "kube-public"]);

interface NamespaceMeta {
  name?: string;
  uid?: string;
  resourceVersion?: string;
  deletionTimestamp?: string;
}

/**
 * kube-apiserver's NamespaceLifecycle plus the namespace controller's
 * finalizer: deleting a namespace marks it Terminating; its contents are then
 * deleted, and the namespace after them. Nothing new may be created in a
 * namespace that does not exist or is terminating.
 */
export class NamespaceLifecycle {
  private readonly finalizing = new Set<string>();

  constructor(
    private readonly namespaces: GenericStore,
    private readonly namespaced: GenericStore[],
    /** Off only in tests that need a namespace to stay Terminating. */
    private readonly finalize = true,
  ) {}

  /** Admission for a create in `namespace`: 404 if it does not exist, 403 if it is terminating. */
  async admitCreate(store: GenericStore, namespace: string, name: string): Promise<void> {
    const ns = await this.namespaces.get(undefined, namespace);
    if ((ns.metadata as NamespaceMeta).deletionTimestamp) {
      throw forbidden(
        store.qualified,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /**
   * Starts deleting a namespace; returns it as it now is (Terminating).
   * Preconditions are checked as kube's namespace storage checks them; a dry
   * run answers with the Terminating namespace and changes nothing.
   */
  async delete(name: string, options: DeleteOptions = {}): Promise<KubeObject> {
    checkDeleteOptions(options);
    if (UNDELETABLE.has(name)) throw forbidden(this.namespaces.qualified, name, "this namespace may not be deleted");
    const current = await this.namespaces.get(undefined, name);
    const meta = current.metadata as NamespaceMeta;
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
    const dryRun = isDryRun(options);
    const terminating = meta.deletionTimestamp
      ? current
      : await this.namespaces.update(
          undefined,
          name,
          {
            ...current,
            metadata: { ...current.metadata, deletionTimestamp: formatTimestamp(new Date()) },
            status: { ...(current.status as object), phase: "Terminating" },
          },
          dryRun,
          true,
        );
    if (!dryRun) this.startFinalizing(name);
    return terminating;
  }

  /** Resumes the termination of namespaces left Terminating by an earlier run. */
  async resume(): Promise<void> {
    const list = await this.namespaces.list({});
    for (const ns of list.items as KubeObject[]) {
      const meta = ns.metadata as NamespaceMeta;
      if (meta.deletionTimestamp && meta.name) this.startFinalizing(meta.name);
    }
  }

  private startFinalizing(name: string): void {
    if (!this.finalize || this.finalizing.has(name)) return;
    this.finalizing.add(name);
    void this.finalizeNamespace(name)
      .catch(() => undefined)
      .finally(() => this.finalizing.delete(name));
  }

  private async finalizeNamespace(name: string): Promise<void> {
    for (const store of this.namespaced) {
      const list = await store.list({ namespace: name });
      for (const item of list.items as KubeObject[]) {
        try {
          await store.delete(name, (item.metadata as NamespaceMeta).name!);
        } catch (e) {
          if ((e as { status?: { reason?: string } }).status?.reason !== "NotFound") throw e;
        }
      }
    }
    await this.namespaces.delete(undefined, name);
  }
}

import { conflict, formatTimestamp, notFound } from "@wharf/apimachinery";
import { type DeleteOptions, isDryRun } from "../registry/delete-options.js";
import type { DeleteOutcome } from "../registry/deletion.js";
import { GenericStore, type KubeObject, type ObjectMeta, type StoreWatchConfig } from "../registry/generic-store.js";
import type { ResourceDefinition } from "../registry/resource-definition.js";
import { type Storage, StorageError } from "../storage/storage.js";
import { setCondition } from "./crd-conditions.js";
import { CLEANUP_FINALIZER, TERMINATING_PENDING } from "./crd-finalizer.js";
import type { CrdCondition } from "./crd-validation.js";

// The customresourcedefinitions store with apiextensions-apiserver's REST
// Delete: the first DELETE of a CRD does not delete it but marks it
// (deletionTimestamp, the customresourcecleanup finalizer, Terminating
// InstanceDeletionPending) in one guarded write, so the finalizer controller
// (crd-finalizer.ts) deletes its instances before the CRD goes. The UID is
// always a precondition; a later DELETE is the generic store's.

export class CrdStore extends GenericStore {
  constructor(
    def: ResourceDefinition,
    private readonly crdStorage: Storage,
    prefix: string,
    watchConfig?: StoreWatchConfig,
  ) {
    super(def, crdStorage, prefix, watchConfig);
  }

  override async deleteWithOptions(
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<DeleteOutcome> {
    const crd = await this.get(undefined, name);
    const meta = crd.metadata as ObjectMeta;
    const uid = options.preconditions?.uid ?? meta.uid;
    const rv = options.preconditions?.resourceVersion;
    const failed = (what: string, wanted: unknown, got: unknown) =>
      `Precondition failed: ${what} in precondition: ${wanted}, ${what} in object meta: ${got ?? ""}`;
    if (uid !== meta.uid) throw conflict(this.qualified, name, failed("UID", uid, meta.uid));
    if (rv !== undefined && rv !== meta.resourceVersion) {
      throw conflict(this.qualified, name, failed("ResourceVersion", rv, meta.resourceVersion));
    }
    const guarded: DeleteOptions = { ...options, preconditions: { ...options.preconditions, uid } };
    if (meta.deletionTimestamp) return super.deleteWithOptions(namespace, name, guarded);

    const now = new Date();
    if (isDryRun(options)) return { object: marked(structuredClone(crd), now), deleted: false };
    const key = this.key(undefined, name);
    try {
      const v = await this.crdStorage.guaranteedUpdate<KubeObject>(key, (current) => {
        const m = (current!.object.metadata ?? {}) as ObjectMeta;
        const stale =
          m.uid !== uid
            ? failed("UID", uid, m.uid)
            : rv !== undefined && rv !== String(current!.resourceVersion)
              ? failed("ResourceVersion", rv, current!.resourceVersion)
              : undefined;
        if (stale !== undefined) {
          throw conflict(
            this.qualified,
            name,
            `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${stale}`,
          );
        }
        return marked(structuredClone(current!.object), now);
      });
      const object = {
        ...v.object,
        metadata: { ...(v.object.metadata ?? {}), resourceVersion: String(v.resourceVersion) },
      };
      return { object, deleted: false };
    } catch (e) {
      if (e instanceof StorageError && e.code === "KeyNotFound") throw notFound(this.qualified, name);
      throw e;
    }
  }
}

/** The CRD as kube's Delete leaves it: deleting, with the cleanup finalizer and the pending condition. */
function marked(crd: KubeObject, now: Date): KubeObject {
  const meta = (crd.metadata ?? {}) as ObjectMeta & { finalizers?: string[] };
  meta.deletionTimestamp ??= formatTimestamp(now);
  const finalizers = meta.finalizers ?? [];
  if (!finalizers.includes(CLEANUP_FINALIZER)) meta.finalizers = [...finalizers, CLEANUP_FINALIZER];
  crd.metadata = meta;
  const status = (crd.status ?? {}) as { conditions?: CrdCondition[] | null };
  crd.status = { ...status, conditions: setCondition(status.conditions ?? [], TERMINATING_PENDING, now) };
  return crd;
}

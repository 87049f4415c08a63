import type { GenericStore, KubeObject } from "../registry/generic-store.js";
import type { Storage } from "../storage/storage.js";
import { conditionOf, setCondition } from "./crd-conditions.js";
import type { Crd, CrdCondition } from "./crd-validation.js";

// apiextensions-apiserver's finalizer controller: a CRD being deleted
// (deletionTimestamp set, the customresourcecleanup finalizer still on it)
// has every custom resource of it deleted, its Terminating condition moved
// along, and then the finalizer removed, which lets the deletion finish.

export const CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

/** The condition kube sets when a CRD is marked for deletion. */
export const TERMINATING_PENDING: CrdCondition = {
  type: "Terminating",
  status: "True",
  reason: "InstanceDeletionPending",
  message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
};

const running = new Set<string>();

/** Deletes every stored custom resource of a CRD (all namespaces, all versions: they share one key prefix). */
export async function deleteInstances(storage: Storage, prefix: string, crd: Crd): Promise<void> {
  const keyPrefix = `${prefix}/${crd.spec.group}/${crd.spec.names.plural}/`;
  for (;;) {
    const page = await storage.list<KubeObject>(keyPrefix, { limit: 500 });
    // Another apiserver may delete the same keys: a key already gone is fine.
    for (const it of page.items) await storage.delete(it.key).catch(() => undefined);
    if (page.items.length === 0) return;
  }
}

async function writeCondition(crds: GenericStore, crd: Crd, c: CrdCondition): Promise<Crd> {
  const old = conditionOf(crd, c.type);
  if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) return crd;
  const status = { ...(crd.status ?? {}), conditions: setCondition(crd.status?.conditions ?? [], c) };
  return (await crds.write(
    undefined,
    crd.metadata.name!,
    { ...(crd as unknown as KubeObject), status },
    "status",
  )) as unknown as Crd;
}

/** Runs the cleanup of a deleting CRD once per process at a time; conflicts with other apiservers are retried by their events. */
export async function finalizeCrd(crds: GenericStore, storage: Storage, prefix: string, crd: Crd): Promise<void> {
  const name = crd.metadata.name!;
  if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER) || running.has(name)) return;
  running.add(name);
  try {
    let current = await writeCondition(crds, crd, {
      type: "Terminating",
      status: "True",
      reason: "InstanceDeletionInProgress",
      message: "CustomResource deletion is in progress",
    });
    await deleteInstances(storage, prefix, crd);
    current = await writeCondition(crds, current, {
      type: "Terminating",
      status: "False",
      reason: "InstanceDeletionCompleted",
      message: "removed all instances",
    });
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
    await crds.update(undefined, name, {
      ...(current as unknown as KubeObject),
      metadata: { ...current.metadata, finalizers },
    } as KubeObject);
  } catch {
    // A conflict or a vanished CRD: the next event for it runs this again if still needed.
  } finally {
    running.delete(name);
  }
}

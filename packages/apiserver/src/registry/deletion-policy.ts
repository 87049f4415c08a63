import type { ResourceDefinition } from "./resource-definition.js";

// What kube-apiserver 1.28's per-resource stores and strategies decide about
// deletion: the default garbage collection policy (DefaultGarbageCollectionPolicy),
// whether a delete answers with the deleted object (Store.ReturnDeletedObject)
// and whether the resource is deleted gracefully (RESTGracefulDeleteStrategy:
// only pods).

/** rest.GarbageCollectionPolicy. */
export type GarbageCollectionPolicy = "DeleteDependents" | "OrphanDependents" | "Unsupported";

const id = (d: { group: string; resource: string }) => `${d.group}/${d.resource}`;

/**
 * OrphanDependents where kube keeps it for backwards compatibility in the
 * served version (core/v1 ReplicationControllers, batch/v1 Jobs); events
 * (core and events.k8s.io share one store) are never garbage collected.
 */
const DEFAULT_GC: Record<string, GarbageCollectionPolicy> = {
  "/replicationcontrollers": "OrphanDependents",
  "batch/jobs": "OrphanDependents",
  "/events": "Unsupported",
  "events.k8s.io/events": "Unsupported",
};

export function defaultGarbageCollectionPolicy(d: ResourceDefinition): GarbageCollectionPolicy {
  return DEFAULT_GC[id(d)] ?? "DeleteDependents";
}

/** The built-in resources whose stores return the deleted object rather than a Status. */
const RETURNS_DELETED = new Set([
  "/pods",
  "/services",
  "/serviceaccounts",
  "/persistentvolumes",
  "/persistentvolumeclaims",
  "/namespaces",
]);

/** API groups served by kube-apiserver itself; a resource in any other group is a custom resource. */
const BUILTIN_GROUP = /^(|[a-z0-9.-]*\.k8s\.io|apps|batch|autoscaling|policy)$/;

/** Whether a delete that removed the object answers with it (custom resources do, as kube's CRD handler). */
export function returnsDeletedObject(d: ResourceDefinition): boolean {
  return RETURNS_DELETED.has(id(d)) || !BUILTIN_GROUP.test(d.group);
}

/** Whether the resource has kube's graceful deletion (a pod strategy's CheckGracefulDelete). */
export function deletesGracefully(d: ResourceDefinition): boolean {
  return id(d) === "/pods";
}

import type { Printer } from "../endpoints/table-columns/object.js";
import type { KindStrategy, KubeObject } from "./strategy.js";

// What the generic registry needs to know about one resource: naming,
// scope, discovery facts, subresources and where its objects live in etcd.

/** A subresource as kube-apiserver's discovery lists it ("pods/status", "deployments/scale"). */
export interface SubresourceDefinition {
  /** The part after the slash: "status", "scale", "binding". */
  name: string;
  /** The kind it answers with; the parent's kind unless given. */
  kind?: string;
  /** Group and version of that kind when it is not the parent's (Scale is autoscaling/v1, Eviction policy/v1). */
  group?: string;
  version?: string;
  verbs: string[];
  /**
   * False for subresources kube-apiserver serves that need parts this server
   * does not have yet (a kubelet for log/exec, token signing): they stay out
   * of discovery until they are served, so clients do not rely on them.
   */
  served?: boolean;
}

/** How an object is kept in etcd when the served version is not the stored one (events.k8s.io, autoscaling/v1). */
export interface StorageConversion {
  /** The apiVersion of the stored shape ("v1" for events, "autoscaling/v2" for HPAs). */
  storageApiVersion: string;
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

export interface ResourceDefinition {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** The plural, lower-case resource name used in paths ("configmaps"). */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** etcd key prefix under the storage prefix, as kube-apiserver lays it out ("configmaps", "minions", "services/specs"). */
  storagePath: string;
  /** False for create-only review and binding resources that kube-apiserver never stores. */
  stored?: boolean;
  subresources?: SubresourceDefinition[];
  /**
   * Whether metadata.generation is kept (1 on create, +1 when anything but
   * metadata and status changes) as the kind's kube strategy does; "labels"
   * also counts label changes (EndpointSlice).
   */
  generation?: boolean | "labels";
  /** Whether create clears a client-sent status (true for kinds with a status subresource unless false). */
  resetStatusOnCreate?: boolean;
  /**
   * Kind-specific field selector fields and how to read them from a served
   * object; together with `metadataFields` the only labels accepted (others:
   * 400 `field label not supported`).
   */
  fieldSelectors?: Record<string, (obj: KubeObject) => string>;
  /** The metadata field labels accepted; both name and namespace unless given (Node, Namespace: name only). */
  metadataFields?: string[];
  /** Defaults a new object before validation (e.g. a Namespace's phase and finalizer). */
  prepareForCreate?: (obj: KubeObject) => KubeObject;
  /** Adjusts a main-resource update from the stored object (Namespace keeps spec.finalizers), in place. */
  prepareForUpdate?: (next: KubeObject, old: KubeObject) => void;
  /** Adjusts a /status update from the stored object (CSR approvals stay), in place. */
  prepareForStatusUpdate?: (next: KubeObject, old: KubeObject) => void;
  /** Defaulting and validation; the built-in kind's strategy (registry/strategies/) unless given. */
  strategy?: KindStrategy;
  /** Set when the served shape differs from the stored one. */
  conversion?: StorageConversion;
  /** Whether an update needs metadata.resourceVersion (false: unconditional updates allowed). */
  requireResourceVersionOnUpdate?: boolean;
  /** The Table printer, when not the built-in one of the kind (custom resources' printer columns). */
  printer?: Printer;
  /** The PATCH media types accepted (kube's 415 lists them); the built-in kinds' four unless given. */
  patchTypes?: readonly string[];
  /**
   * Why a DELETE of one object is refused (403 Forbidden with this text; kube's REST Delete overrides), if it is.
   * Like kube's Store.DeleteCollection, collection deletes do not ask.
   */
  deleteForbidden?: (name: string) => string | undefined;
  /** How the scale subresource reads and writes the object, when not spec.replicas (custom resources). */
  scaleAdapter?: {
    toScale(obj: KubeObject): KubeObject;
    merge(scale: KubeObject): (stored: KubeObject) => KubeObject;
    /** The field names of specReplicasPath: what a scale apply's manager owns in the object. */
    replicasPath: string[];
  };
}

export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export function apiVersionOf(d: { group: string; version: string }): string {
  return d.group === "" ? d.version : `${d.group}/${d.version}`;
}

/** The subresource of that name, if the resource has one this server serves. */
export function servedSubresource(d: ResourceDefinition, name: string): SubresourceDefinition | undefined {
  return d.subresources?.find((s) => s.name === name && s.served !== false);
}

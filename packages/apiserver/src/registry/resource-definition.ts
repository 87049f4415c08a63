import type { KindStrategy } from "./strategy.js";

// What the generic registry needs to know about one resource: naming,
// scope, discovery facts and where its objects live in etcd.

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
  /** Fields besides metadata.name/namespace a field selector may use, with their values. */
  selectableFields?: (obj: Record<string, unknown>) => Record<string, string>;
  /** Defaults a new object before validation (e.g. a Namespace's phase and finalizer). */
  prepareForCreate?: (obj: Record<string, unknown>) => Record<string, unknown>;
  /** Defaulting and validation; the built-in kind's strategy (registry/strategies/) unless given. */
  strategy?: KindStrategy;
  /** Whether an update needs metadata.resourceVersion (false: unconditional updates allowed). */
  requireResourceVersionOnUpdate?: boolean;
}

export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export function apiVersionOf(d: ResourceDefinition): string {
  return d.group === "" ? d.version : `${d.group}/${d.version}`;
}

import { ALL_VERBS, type ResourceDefinition } from "./resource-definition.js";

// The built-in resources served so far, with kube-apiserver's discovery facts
// and etcd layout (research/kube-apiserver-on-etcd.md).

export const namespaces: ResourceDefinition = {
  group: "",
  version: "v1",
  kind: "Namespace",
  listKind: "NamespaceList",
  resource: "namespaces",
  singular: "namespace",
  namespaced: false,
  shortNames: ["ns"],
  categories: [],
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  storagePath: "namespaces",
  prepareForCreate: (o) => ({
    ...o,
    spec: { finalizers: ["kubernetes"], ...(o.spec as object) },
    status: { phase: "Active" },
  }),
  selectableFields: (o) => ({ "status.phase": String((o.status as { phase?: string } | undefined)?.phase ?? "") }),
};

export const configmaps: ResourceDefinition = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  listKind: "ConfigMapList",
  resource: "configmaps",
  singular: "configmap",
  namespaced: true,
  shortNames: ["cm"],
  categories: [],
  verbs: ALL_VERBS,
  storagePath: "configmaps",
};

export const secrets: ResourceDefinition = {
  group: "",
  version: "v1",
  kind: "Secret",
  listKind: "SecretList",
  resource: "secrets",
  singular: "secret",
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ALL_VERBS,
  storagePath: "secrets",
  selectableFields: (o) => ({ type: String(o.type ?? "") }),
};

export const builtinResources: ResourceDefinition[] = [namespaces, configmaps, secrets];

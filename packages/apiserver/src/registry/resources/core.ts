import type { ResourceDefinition } from "../resource-definition.js";
import type { KubeObject } from "../strategy.js";
import { boolFieldAt, createOnly, define, fieldAt, intFieldAt, notYetServed, scale, status } from "./define.js";

// core/v1 as kube-apiserver 1.28 serves it. Keys follow kube's layout: nodes under
// "minions", services under "services/specs", endpoints under
// "services/endpoints", replication controllers under "controllers".

const v1 = (kind: string, resource: string, o: Parameters<typeof define>[4]) => define("", "v1", kind, resource, o);

export const bindings = createOnly("", "v1", "Binding", "bindings", true);

/** Component health, probed on every read and never stored (registry/component-statuses.ts). */
export const componentstatuses = v1("ComponentStatus", "componentstatuses", {
  namespaced: false,
  shortNames: ["cs"],
  verbs: ["get", "list"],
  storagePath: "",
  stored: false,
});

export const configmaps = v1("ConfigMap", "configmaps", { namespaced: true, shortNames: ["cm"] });

export const endpoints = v1("Endpoints", "endpoints", {
  namespaced: true,
  shortNames: ["ep"],
  singular: "endpoints",
  storagePath: "services/endpoints",
});

/** core/v1 Event field selectors (pkg/apis/core/v1/conversion.go). */
export const eventFieldSelectors: Record<string, (o: KubeObject) => string> = {
  "involvedObject.kind": fieldAt("involvedObject.kind"),
  "involvedObject.namespace": fieldAt("involvedObject.namespace"),
  "involvedObject.name": fieldAt("involvedObject.name"),
  "involvedObject.uid": fieldAt("involvedObject.uid"),
  "involvedObject.apiVersion": fieldAt("involvedObject.apiVersion"),
  "involvedObject.resourceVersion": fieldAt("involvedObject.resourceVersion"),
  "involvedObject.fieldPath": fieldAt("involvedObject.fieldPath"),
  reason: fieldAt("reason"),
  reportingComponent: fieldAt("reportingComponent"),
  source: fieldAt("source.component"),
  type: fieldAt("type"),
};

export const events = v1("Event", "events", {
  namespaced: true,
  shortNames: ["ev"],
  fieldSelectors: eventFieldSelectors,
});

export const limitranges = v1("LimitRange", "limitranges", { namespaced: true, shortNames: ["limits"] });

export const namespaces = v1("Namespace", "namespaces", {
  namespaced: false,
  shortNames: ["ns"],
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  subresources: [{ name: "finalize", verbs: ["update"] }, status],
  metadataFields: ["metadata.name"],
  fieldSelectors: { "status.phase": fieldAt("status.phase") },
  // Finalizers change only through namespaces/finalize (namespaceStrategy.PrepareForUpdate).
  prepareForUpdate: (next, old) => {
    const finalizers = (old.spec as { finalizers?: string[] } | undefined)?.finalizers;
    const spec = { ...((next.spec as object) ?? {}) } as { finalizers?: string[] };
    if (finalizers === undefined) delete spec.finalizers;
    else spec.finalizers = finalizers;
    next.spec = spec;
  },
});

export const nodes = v1("Node", "nodes", {
  namespaced: false,
  shortNames: ["no"],
  storagePath: "minions",
  subresources: [
    notYetServed({ name: "proxy", kind: "NodeProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] }),
    status,
  ],
  metadataFields: ["metadata.name"],
  fieldSelectors: { "spec.unschedulable": boolFieldAt("spec.unschedulable") },
  // The kubelet registers its node with a status: create keeps it (nodeStrategy.PrepareForCreate).
  resetStatusOnCreate: false,
});

export const persistentvolumeclaims = v1("PersistentVolumeClaim", "persistentvolumeclaims", {
  namespaced: true,
  shortNames: ["pvc"],
  subresources: [status],
});

export const persistentvolumes = v1("PersistentVolume", "persistentvolumes", {
  namespaced: false,
  shortNames: ["pv"],
  subresources: [status],
});

const podIP = (o: KubeObject): string => {
  const s = (o.status ?? {}) as { podIP?: string; podIPs?: { ip?: string }[] };
  return s.podIPs?.[0]?.ip ?? s.podIP ?? "";
};

export const pods = v1("Pod", "pods", {
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  subresources: [
    notYetServed({ name: "attach", kind: "PodAttachOptions", verbs: ["create", "get"] }),
    { name: "binding", kind: "Binding", verbs: ["create"] },
    { name: "ephemeralcontainers", verbs: ["get", "patch", "update"] },
    { name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] },
    notYetServed({ name: "exec", kind: "PodExecOptions", verbs: ["create", "get"] }),
    notYetServed({ name: "log", verbs: ["get"] }),
    notYetServed({ name: "portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"] }),
    notYetServed({ name: "proxy", kind: "PodProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] }),
    status,
  ],
  fieldSelectors: {
    "spec.nodeName": fieldAt("spec.nodeName"),
    "spec.restartPolicy": fieldAt("spec.restartPolicy"),
    "spec.schedulerName": fieldAt("spec.schedulerName"),
    "spec.serviceAccountName": fieldAt("spec.serviceAccountName"),
    "spec.hostNetwork": boolFieldAt("spec.hostNetwork"),
    "status.phase": fieldAt("status.phase"),
    "status.podIP": podIP,
    "status.nominatedNodeName": fieldAt("status.nominatedNodeName"),
  },
});

export const podtemplates = v1("PodTemplate", "podtemplates", { namespaced: true });

export const replicationcontrollers = v1("ReplicationController", "replicationcontrollers", {
  namespaced: true,
  shortNames: ["rc"],
  categories: ["all"],
  storagePath: "controllers",
  subresources: [scale, status],
  generation: true,
  fieldSelectors: { "status.replicas": intFieldAt("status.replicas") },
});

export const resourcequotas = v1("ResourceQuota", "resourcequotas", {
  namespaced: true,
  shortNames: ["quota"],
  subresources: [status],
});

export const secrets = v1("Secret", "secrets", { namespaced: true, fieldSelectors: { type: fieldAt("type") } });

export const serviceaccounts = v1("ServiceAccount", "serviceaccounts", {
  namespaced: true,
  shortNames: ["sa"],
  subresources: [
    notYetServed({
      name: "token",
      kind: "TokenRequest",
      group: "authentication.k8s.io",
      version: "v1",
      verbs: ["create"],
    }),
  ],
});

export const services = v1("Service", "services", {
  namespaced: true,
  shortNames: ["svc"],
  categories: ["all"],
  storagePath: "services/specs",
  subresources: [
    notYetServed({ name: "proxy", kind: "ServiceProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] }),
    status,
  ],
});

export const coreResources: ResourceDefinition[] = [
  bindings,
  componentstatuses,
  configmaps,
  endpoints,
  events,
  limitranges,
  namespaces,
  nodes,
  persistentvolumeclaims,
  persistentvolumes,
  pods,
  podtemplates,
  replicationcontrollers,
  resourcequotas,
  secrets,
  serviceaccounts,
  services,
];

// How the built-in types' fields merge: the patch strategies and merge keys
// strategic merge patch follows, and the list and map semantics declared for
// server-side apply. These are facts of the Kubernetes 1.28 API (its Go
// types carry them as struct tags and markers); the type packages this
// server reads its schemas from do not, so they are written down here, per
// OpenAPI definition and field, and become the schemas'
// `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`,
// `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and
// `x-kubernetes-map-type` extensions.

export interface FieldFacts {
  /** "merge", "replace", "retainKeys" or "merge,retainKeys". */
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: "atomic" | "set" | "map";
  listMapKeys?: string[];
  mapType?: "atomic" | "granular";
}

/** Merged by the value of `key` (or, for lists of scalars, as a set) under strategic merge patch. */
const merge = (key?: string, more: FieldFacts = {}): FieldFacts => ({
  patchStrategy: "merge",
  ...(key ? { patchMergeKey: key } : {}),
  ...more,
});
const atomic: FieldFacts = { listType: "atomic" };
const set: FieldFacts = { listType: "set" };
const map = (...keys: string[]): FieldFacts => ({ listType: "map", listMapKeys: keys });
const atomicMap: FieldFacts = { mapType: "atomic" };
/** A list of conditions keyed by type, as most statuses have. */
const conditions = merge("type", map("type"));

const containerFields = {
  ports: merge("containerPort", map("containerPort", "protocol")),
  env: merge("name"),
  resizePolicy: atomic,
  volumeMounts: merge("mountPath"),
  volumeDevices: merge("devicePath"),
};

const flowcontrolFields = {
  FlowSchemaSpec: { rules: atomic },
  PolicyRulesWithSubjects: { subjects: atomic, resourceRules: atomic, nonResourceRules: atomic },
  ResourcePolicyRule: { verbs: set, apiGroups: set, resources: set, namespaces: set },
  NonResourcePolicyRule: { verbs: set, nonResourceURLs: set },
  FlowSchemaStatus: { conditions },
  PriorityLevelConfigurationStatus: { conditions },
};

/** Facts per definition name without its `io.k8s.` prefix, then per field. */
const FACTS: Record<string, Record<string, FieldFacts>> = {
  "apimachinery.pkg.apis.meta.v1.ObjectMeta": { ownerReferences: merge("uid"), finalizers: merge() },

  "api.core.v1.PodSpec": {
    volumes: merge("name", { patchStrategy: "merge,retainKeys" }),
    initContainers: merge("name"),
    containers: merge("name"),
    ephemeralContainers: merge("name"),
    nodeSelector: atomicMap,
    imagePullSecrets: merge("name"),
    hostAliases: merge("ip"),
    topologySpreadConstraints: merge("topologyKey", map("topologyKey", "whenUnsatisfiable")),
    schedulingGates: merge("name", map("name")),
    resourceClaims: merge("name", { patchStrategy: "merge,retainKeys", ...map("name") }),
  },
  "api.core.v1.Container": containerFields,
  "api.core.v1.EphemeralContainer": containerFields,
  "api.core.v1.ResourceRequirements": { claims: map("name") },
  "api.core.v1.TopologySpreadConstraint": { matchLabelKeys: atomic },
  "api.core.v1.PodStatus": {
    conditions: merge("type"),
    hostIPs: merge("ip", atomic),
    podIPs: merge("ip"),
    resourceClaimStatuses: merge("name", { patchStrategy: "merge,retainKeys", ...map("name") }),
  },
  "api.core.v1.PersistentVolumeClaimStatus": {
    conditions: merge("type"),
    allocatedResourceStatuses: { mapType: "granular" },
  },
  "api.core.v1.ReplicationControllerSpec": { selector: atomicMap },
  "api.core.v1.ReplicationControllerStatus": { conditions: merge("type") },
  "api.core.v1.ServiceSpec": {
    ports: merge("port", map("port", "protocol")),
    selector: atomicMap,
    clusterIPs: atomic,
    ipFamilies: atomic,
  },
  "api.core.v1.ServiceStatus": { conditions },
  "api.core.v1.LoadBalancerIngress": { ports: atomic },
  "api.core.v1.ServiceAccount": { secrets: merge("name") },
  "api.core.v1.NodeSpec": { podCIDRs: merge() },
  "api.core.v1.NodeStatus": { conditions: merge("type"), addresses: merge("type") },
  "api.core.v1.NamespaceStatus": { conditions: merge("type") },

  "api.admissionregistration.v1.ValidatingWebhookConfiguration": { webhooks: merge("name") },
  "api.admissionregistration.v1.MutatingWebhookConfiguration": { webhooks: merge("name") },
  "api.admissionregistration.v1.ValidatingWebhook": { matchConditions: merge("name", map("name")) },
  "api.admissionregistration.v1.MutatingWebhook": { matchConditions: merge("name", map("name")) },
  "api.admissionregistration.v1.RuleWithOperations": {
    operations: atomic,
    apiGroups: atomic,
    apiVersions: atomic,
    resources: atomic,
  },

  "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus": { conditions: map("type") },
  "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps": {
    "x-kubernetes-validations": merge("rule", map("rule")),
  },
  "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec": { caBundle: atomic },
  "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus": { conditions },

  "api.apps.v1.DeploymentSpec": { strategy: { patchStrategy: "retainKeys" } },
  "api.apps.v1.DeploymentStatus": { conditions: merge("type") },
  "api.apps.v1.StatefulSetStatus": { conditions: merge("type") },
  "api.apps.v1.DaemonSetStatus": { conditions: merge("type") },
  "api.apps.v1.ReplicaSetStatus": { conditions: merge("type") },

  "api.autoscaling.v2.HorizontalPodAutoscalerSpec": { metrics: atomic },
  "api.autoscaling.v2.HPAScalingRules": { policies: atomic },
  "api.autoscaling.v2.HorizontalPodAutoscalerStatus": { currentMetrics: atomic, conditions },

  "api.batch.v1.PodFailurePolicy": { rules: atomic },
  "api.batch.v1.PodFailurePolicyRule": { onPodConditions: atomic },
  "api.batch.v1.PodFailurePolicyOnExitCodesRequirement": { values: set },
  "api.batch.v1.JobStatus": { conditions: merge("type", atomic) },
  "api.batch.v1.UncountedTerminatedPods": { succeeded: set, failed: set },
  "api.batch.v1.CronJobStatus": { active: atomic },

  "api.certificates.v1.CertificateSigningRequestSpec": { request: atomic, usages: atomic, groups: atomic },
  "api.certificates.v1.CertificateSigningRequestStatus": { conditions: map("type"), certificate: atomic },

  "api.discovery.v1.EndpointSlice": { endpoints: atomic, ports: atomic },
  "api.discovery.v1.Endpoint": { addresses: set },
  "api.discovery.v1.EndpointHints": { forZones: atomic },

  "api.networking.v1.IngressSpec": { tls: atomic, rules: atomic },
  "api.networking.v1.IngressTLS": { hosts: atomic },
  "api.networking.v1.IngressLoadBalancerIngress": { ports: atomic },
  "api.networking.v1.HTTPIngressRuleValue": { paths: atomic },

  "api.node.v1.Scheduling": { nodeSelector: atomicMap, tolerations: atomic },
  "api.policy.v1.PodDisruptionBudgetSpec": { selector: { patchStrategy: "replace" } },
  "api.policy.v1.PodDisruptionBudgetStatus": { conditions },

  "api.storage.v1.StorageClass": { allowedTopologies: atomic },
  "api.storage.v1.CSIDriverSpec": { volumeLifecycleModes: set, tokenRequests: atomic },
  "api.storage.v1.CSINodeSpec": { drivers: merge("name") },
  "api.storage.v1.CSIStorageCapacityList": { items: map("name") },
};
for (const version of ["v1beta2", "v1beta3"]) {
  for (const [type, fields] of Object.entries(flowcontrolFields)) {
    FACTS[`api.flowcontrol.${version}.${type}`] = fields;
  }
}

/** The merge facts of one field of a definition, if it has any. */
export function fieldFacts(definition: string, field: string): FieldFacts | undefined {
  return FACTS[definition.replace(/^io\.k8s\./, "")]?.[field];
}

/**
 * Structs that merge as one value under server-side apply (`+structType=atomic`
 * in the Go types): published as `x-kubernetes-map-type: atomic` on their
 * definitions.
 */
const ATOMIC_STRUCTS = new Set([
  "apimachinery.pkg.apis.meta.v1.LabelSelector",
  "api.core.v1.ConfigMapKeySelector",
  "api.core.v1.LocalObjectReference",
  "api.core.v1.NodeSelector",
  "api.core.v1.NodeSelectorTerm",
  "api.core.v1.ObjectFieldSelector",
  "api.core.v1.ObjectReference",
  "api.core.v1.ResourceFieldSelector",
  "api.core.v1.SecretKeySelector",
  "api.core.v1.SecretReference",
  "api.core.v1.TopologySelectorTerm",
  "api.core.v1.TypedLocalObjectReference",
]);

/** The merge facts of a definition as a whole (its map type), if it has any. */
export function typeFacts(definition: string): FieldFacts | undefined {
  return ATOMIC_STRUCTS.has(definition.replace(/^io\.k8s\./, "")) ? atomicMap : undefined;
}

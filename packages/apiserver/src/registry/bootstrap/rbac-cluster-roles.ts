import { eventsRule, READ, READ_UPDATE, READ_WRITE, type RoleSpec, rule, WRITE } from "./rbac-builders.js";

// kube-apiserver 1.28's default ClusterRoles (its bootstrap policy), in the
// order it creates them, with 1.28's default feature gates: DynamicResource-
// Allocation and ClusterTrustBundle are off, so their rules and roles are not
// here.

const AGGREGATE_TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
const AGGREGATE_TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
const AGGREGATE_TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";

const aggregating = (label: string) => ({ clusterRoleSelectors: [{ matchLabels: { [label]: "true" } }] });

/** What a kubelet may do (the system:node role). */
function nodeRules() {
  return [
    rule("create").groups("authentication.k8s.io").resources("tokenreviews").build(),
    rule("create")
      .groups("authorization.k8s.io")
      .resources("subjectaccessreviews", "localsubjectaccessreviews")
      .build(),
    rule(...READ)
      .groups("")
      .resources("services")
      .build(),
    rule("create", "get", "list", "watch").groups("").resources("nodes").build(),
    rule("update", "patch").groups("").resources("nodes/status").build(),
    rule("update", "patch").groups("").resources("nodes").build(),
    rule("create", "update", "patch").groups("").resources("events").build(),
    rule(...READ)
      .groups("")
      .resources("pods")
      .build(),
    rule("create", "delete").groups("").resources("pods").build(),
    rule("update", "patch").groups("").resources("pods/status").build(),
    rule("create").groups("").resources("pods/eviction").build(),
    rule("get", "list", "watch").groups("").resources("secrets", "configmaps").build(),
    rule("get").groups("").resources("persistentvolumeclaims", "persistentvolumes").build(),
    rule("get").groups("").resources("endpoints").build(),
    rule("create", "get", "list", "watch")
      .groups("certificates.k8s.io")
      .resources("certificatesigningrequests")
      .build(),
    rule("get", "create", "update", "patch", "delete").groups("coordination.k8s.io").resources("leases").build(),
    rule("get").groups("storage.k8s.io").resources("volumeattachments").build(),
    rule("create").groups("").resources("serviceaccounts/token").build(),
    rule("get", "update", "patch").groups("").resources("persistentvolumeclaims/status").build(),
    rule("get", "watch", "list").groups("storage.k8s.io").resources("csidrivers").build(),
    rule("get", "create", "update", "patch", "delete").groups("storage.k8s.io").resources("csinodes").build(),
    rule("get", "list", "watch").groups("node.k8s.io").resources("runtimeclasses").build(),
  ];
}

/** A role that lets a CSR approver approve for one signer. */
const approver = (name: string, signer: string): RoleSpec => ({
  name: `system:certificates.k8s.io:${name}`,
  rules: [rule("approve").groups("certificates.k8s.io").resources("signers").names(signer).build()],
});

export function clusterRoles(): RoleSpec[] {
  return [
    {
      name: "cluster-admin",
      rules: [rule("*").groups("*").resources("*").build(), rule("*").urls("*").build()],
    },
    {
      name: "system:discovery",
      rules: [
        rule("get")
          .urls("/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*")
          .urls("/api", "/api/*", "/apis", "/apis/*")
          .build(),
      ],
    },
    {
      name: "system:monitoring",
      rules: [
        rule("get")
          .urls("/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*")
          .build(),
      ],
    },
    {
      name: "system:basic-user",
      rules: [
        rule("create")
          .groups("authorization.k8s.io")
          .resources("selfsubjectaccessreviews", "selfsubjectrulesreviews")
          .build(),
        rule("create").groups("authentication.k8s.io").resources("selfsubjectreviews").build(),
      ],
    },
    {
      name: "system:public-info-viewer",
      rules: [rule("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/").build()],
    },
    { name: "admin", aggregationRule: aggregating(AGGREGATE_TO_ADMIN) },
    { name: "edit", labels: { [AGGREGATE_TO_ADMIN]: "true" }, aggregationRule: aggregating(AGGREGATE_TO_EDIT) },
    { name: "view", labels: { [AGGREGATE_TO_EDIT]: "true" }, aggregationRule: aggregating(AGGREGATE_TO_VIEW) },
    {
      name: "system:aggregate-to-admin",
      labels: { [AGGREGATE_TO_ADMIN]: "true" },
      rules: [
        rule("create").groups("authorization.k8s.io").resources("localsubjectaccessreviews").build(),
        rule(...READ_WRITE)
          .groups("rbac.authorization.k8s.io")
          .resources("roles", "rolebindings")
          .build(),
      ],
    },
    {
      name: "system:aggregate-to-edit",
      labels: { [AGGREGATE_TO_EDIT]: "true" },
      rules: [
        rule(...READ)
          .groups("")
          .resources("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy")
          .build(),
        rule("impersonate").groups("").resources("serviceaccounts").build(),
        rule(...WRITE)
          .groups("")
          .resources("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward")
          .build(),
        rule("create").groups("").resources("pods/eviction").build(),
        rule(...WRITE)
          .groups("")
          .resources("replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services")
          .resources("services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events")
          .build(),
        rule("create").groups("").resources("serviceaccounts/token").build(),
        rule(...WRITE)
          .groups("apps")
          .resources("statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale")
          .resources("deployments/rollback", "replicasets", "replicasets/scale")
          .build(),
        rule(...WRITE)
          .groups("autoscaling")
          .resources("horizontalpodautoscalers")
          .build(),
        rule(...WRITE)
          .groups("batch")
          .resources("jobs", "cronjobs")
          .build(),
        rule(...WRITE)
          .groups("extensions")
          .resources("daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses")
          .resources("replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies")
          .build(),
        rule(...WRITE)
          .groups("policy")
          .resources("poddisruptionbudgets")
          .build(),
        rule(...WRITE)
          .groups("networking.k8s.io")
          .resources("networkpolicies", "ingresses")
          .build(),
        rule(...READ_WRITE)
          .groups("coordination.k8s.io")
          .resources("leases")
          .build(),
      ],
    },
    {
      name: "system:aggregate-to-view",
      labels: { [AGGREGATE_TO_VIEW]: "true" },
      rules: [
        rule(...READ)
          .groups("")
          .resources("pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services")
          .resources("services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status")
          .resources("configmaps")
          .build(),
        rule(...READ)
          .groups("")
          .resources("limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status")
          .resources("namespaces/status", "replicationcontrollers/status", "pods/log")
          .build(),
        rule(...READ)
          .groups("")
          .resources("namespaces")
          .build(),
        rule(...READ)
          .groups("discovery.k8s.io")
          .resources("endpointslices")
          .build(),
        rule(...READ)
          .groups("apps")
          .resources("controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale")
          .resources("daemonsets", "daemonsets/status", "deployments", "deployments/status", "deployments/scale")
          .resources("replicasets", "replicasets/status", "replicasets/scale")
          .build(),
        rule(...READ)
          .groups("autoscaling")
          .resources("horizontalpodautoscalers", "horizontalpodautoscalers/status")
          .build(),
        rule(...READ)
          .groups("batch")
          .resources("jobs", "cronjobs", "cronjobs/status", "jobs/status")
          .build(),
        rule(...READ)
          .groups("extensions")
          .resources("daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status")
          .resources("ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status")
          .resources("replicationcontrollers/scale", "networkpolicies")
          .build(),
        rule(...READ)
          .groups("policy")
          .resources("poddisruptionbudgets", "poddisruptionbudgets/status")
          .build(),
        rule(...READ)
          .groups("networking.k8s.io")
          .resources("networkpolicies", "ingresses", "ingresses/status")
          .build(),
      ],
    },
    {
      name: "system:heapster",
      rules: [
        rule(...READ)
          .groups("")
          .resources("events", "pods", "nodes", "namespaces")
          .build(),
        rule(...READ)
          .groups("extensions")
          .resources("deployments")
          .build(),
      ],
    },
    { name: "system:node", rules: nodeRules() },
    {
      name: "system:node-problem-detector",
      rules: [
        rule("get").groups("").resources("nodes").build(),
        rule("patch").groups("").resources("nodes/status").build(),
        eventsRule(),
      ],
    },
    {
      name: "system:kubelet-api-admin",
      rules: [
        rule("get", "list", "watch").groups("").resources("nodes").build(),
        rule("proxy").groups("").resources("nodes").build(),
        rule("*").groups("").resources("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log").build(),
      ],
    },
    {
      name: "system:node-bootstrapper",
      rules: [
        rule("create", "get", "list", "watch")
          .groups("certificates.k8s.io")
          .resources("certificatesigningrequests")
          .build(),
      ],
    },
    {
      name: "system:auth-delegator",
      rules: [
        rule("create").groups("authentication.k8s.io").resources("tokenreviews").build(),
        rule("create").groups("authorization.k8s.io").resources("subjectaccessreviews").build(),
      ],
    },
    {
      name: "system:kube-aggregator",
      rules: [
        rule(...READ)
          .groups("")
          .resources("services", "endpoints")
          .build(),
      ],
    },
    {
      name: "system:kube-controller-manager",
      rules: [
        eventsRule(),
        rule("create").groups("coordination.k8s.io").resources("leases").build(),
        rule("get", "update")
          .groups("coordination.k8s.io")
          .resources("leases")
          .names("kube-controller-manager")
          .build(),
        rule("create").groups("").resources("secrets", "serviceaccounts").build(),
        rule("delete").groups("").resources("secrets").build(),
        rule("get").groups("").resources("namespaces", "secrets", "serviceaccounts", "configmaps").build(),
        rule("update").groups("").resources("secrets", "serviceaccounts").build(),
        rule("create").groups("authentication.k8s.io").resources("tokenreviews").build(),
        rule("create").groups("authorization.k8s.io").resources("subjectaccessreviews").build(),
        rule("list", "watch").groups("*").resources("*").build(),
        rule("create").groups("").resources("serviceaccounts/token").build(),
      ],
    },
    {
      name: "system:kube-dns",
      rules: [rule("list", "watch").groups("").resources("endpoints", "services").build()],
    },
    {
      name: "system:persistent-volume-provisioner",
      rules: [
        rule("get", "list", "watch", "create", "delete").groups("").resources("persistentvolumes").build(),
        rule("get", "list", "watch", "update").groups("").resources("persistentvolumeclaims").build(),
        rule(...READ)
          .groups("storage.k8s.io")
          .resources("storageclasses")
          .build(),
        rule("watch").groups("").resources("events").build(),
        eventsRule(),
      ],
    },
    {
      name: "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
      rules: [rule("create").groups("certificates.k8s.io").resources("certificatesigningrequests/nodeclient").build()],
    },
    {
      name: "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
      rules: [
        rule("create").groups("certificates.k8s.io").resources("certificatesigningrequests/selfnodeclient").build(),
      ],
    },
    {
      name: "system:volume-scheduler",
      rules: [
        rule(...READ_UPDATE)
          .groups("")
          .resources("persistentvolumes")
          .build(),
        rule(...READ)
          .groups("storage.k8s.io")
          .resources("storageclasses")
          .build(),
        rule(...READ_UPDATE)
          .groups("")
          .resources("persistentvolumeclaims")
          .build(),
      ],
    },
    approver("legacy-unknown-approver", "kubernetes.io/legacy-unknown"),
    approver("kubelet-serving-approver", "kubernetes.io/kubelet-serving"),
    approver("kube-apiserver-client-approver", "kubernetes.io/kube-apiserver-client"),
    approver("kube-apiserver-client-kubelet-approver", "kubernetes.io/kube-apiserver-client-kubelet"),
    {
      name: "system:service-account-issuer-discovery",
      rules: [
        rule("get")
          .urls("/.well-known/openid-configuration", "/.well-known/openid-configuration/")
          .urls("/openid/v1/jwks", "/openid/v1/jwks/")
          .build(),
      ],
    },
    {
      name: "system:node-proxier",
      rules: [
        rule("list", "watch").groups("").resources("services", "endpoints").build(),
        rule("get", "list", "watch").groups("").resources("nodes").build(),
        eventsRule(),
        rule("list", "watch").groups("discovery.k8s.io").resources("endpointslices").build(),
      ],
    },
    {
      name: "system:kube-scheduler",
      rules: [
        eventsRule(),
        rule("create").groups("coordination.k8s.io").resources("leases").build(),
        rule("get", "update").groups("coordination.k8s.io").resources("leases").names("kube-scheduler").build(),
        rule(...READ)
          .groups("")
          .resources("nodes")
          .build(),
        rule("get", "list", "watch", "delete").groups("").resources("pods").build(),
        rule("create").groups("").resources("pods/binding", "bindings").build(),
        rule("patch", "update").groups("").resources("pods/status").build(),
        rule(...READ)
          .groups("")
          .resources("services", "replicationcontrollers")
          .build(),
        rule(...READ)
          .groups("apps", "extensions")
          .resources("replicasets")
          .build(),
        rule(...READ)
          .groups("apps")
          .resources("statefulsets")
          .build(),
        rule(...READ)
          .groups("policy")
          .resources("poddisruptionbudgets")
          .build(),
        rule(...READ)
          .groups("")
          .resources("persistentvolumeclaims", "persistentvolumes")
          .build(),
        rule("create").groups("authentication.k8s.io").resources("tokenreviews").build(),
        rule("create").groups("authorization.k8s.io").resources("subjectaccessreviews").build(),
        rule(...READ)
          .groups("storage.k8s.io")
          .resources("csinodes")
          .build(),
        rule(...READ)
          .groups("")
          .resources("namespaces")
          .build(),
        rule(...READ)
          .groups("storage.k8s.io")
          .resources("csidrivers")
          .build(),
        rule(...READ)
          .groups("storage.k8s.io")
          .resources("csistoragecapacities")
          .build(),
      ],
    },
  ];
}

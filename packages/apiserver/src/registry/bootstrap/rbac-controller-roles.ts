import { type BindingSpec, clusterBinding, eventsRule, type RoleSpec, rule } from "./rbac-builders.js";

// The ClusterRoles of kube-controller-manager's controllers that kube-apiserver
// 1.28 creates, each bound to the controller's service account in kube-system,
// in creation order. With 1.28's default feature gates PodDisruptionConditions
// and StatefulSetAutoDeletePVC are on (their rules are here);
// DynamicResourceAllocation, ValidatingAdmissionPolicy, StorageVersionAPI and
// LegacyServiceAccountTokenCleanUp are off (their controllers' roles are not).

const PREFIX = "system:controller:";

function controllerRoles(): RoleSpec[] {
  const roles: [string, ...ReturnType<typeof eventsRule>[]][] = [
    [
      "attachdetach-controller",
      rule("list", "watch").groups("").resources("persistentvolumes", "persistentvolumeclaims").build(),
      rule("get", "list", "watch").groups("").resources("nodes").build(),
      rule("patch", "update").groups("").resources("nodes/status").build(),
      rule("list", "watch").groups("").resources("pods").build(),
      eventsRule(),
      rule("get", "create", "delete", "list", "watch").groups("storage.k8s.io").resources("volumeattachments").build(),
      rule("get", "watch", "list").groups("storage.k8s.io").resources("csidrivers").build(),
      rule("get", "watch", "list").groups("storage.k8s.io").resources("csinodes").build(),
    ],
    [
      "clusterrole-aggregation-controller",
      rule("escalate", "get", "list", "watch", "update", "patch")
        .groups("rbac.authorization.k8s.io")
        .resources("clusterroles")
        .build(),
    ],
    [
      "cronjob-controller",
      rule("get", "list", "watch", "update").groups("batch").resources("cronjobs").build(),
      rule("get", "list", "watch", "create", "update", "delete", "patch").groups("batch").resources("jobs").build(),
      rule("update").groups("batch").resources("cronjobs/status").build(),
      rule("update").groups("batch").resources("cronjobs/finalizers").build(),
      rule("list", "delete").groups("").resources("pods").build(),
      eventsRule(),
    ],
    [
      "daemon-set-controller",
      rule("get", "list", "watch").groups("extensions", "apps").resources("daemonsets").build(),
      rule("update").groups("extensions", "apps").resources("daemonsets/status").build(),
      rule("update").groups("extensions", "apps").resources("daemonsets/finalizers").build(),
      rule("list", "watch").groups("").resources("nodes").build(),
      rule("list", "watch", "create", "delete", "patch").groups("").resources("pods").build(),
      rule("create").groups("").resources("pods/binding").build(),
      rule("get", "list", "watch", "create", "delete", "update", "patch")
        .groups("apps")
        .resources("controllerrevisions")
        .build(),
      eventsRule(),
    ],
    [
      "deployment-controller",
      rule("get", "list", "watch", "update").groups("extensions", "apps").resources("deployments").build(),
      rule("update").groups("extensions", "apps").resources("deployments/status").build(),
      rule("update").groups("extensions", "apps").resources("deployments/finalizers").build(),
      rule("get", "list", "watch", "create", "update", "patch", "delete")
        .groups("apps", "extensions")
        .resources("replicasets")
        .build(),
      rule("get", "list", "watch", "update").groups("").resources("pods").build(),
      eventsRule(),
    ],
    [
      "disruption-controller",
      rule("get", "list", "watch").groups("extensions", "apps").resources("deployments").build(),
      rule("get", "list", "watch").groups("apps", "extensions").resources("replicasets").build(),
      rule("get", "list", "watch").groups("").resources("replicationcontrollers").build(),
      rule("get", "list", "watch").groups("policy").resources("poddisruptionbudgets").build(),
      rule("get", "list", "watch").groups("apps").resources("statefulsets").build(),
      rule("update").groups("policy").resources("poddisruptionbudgets/status").build(),
      rule("get").groups("*").resources("*/scale").build(),
      eventsRule(),
      // PodDisruptionConditions
      rule("patch").groups("").resources("pods/status").build(),
    ],
    [
      "endpoint-controller",
      rule("get", "list", "watch").groups("").resources("services", "pods").build(),
      rule("get", "list", "create", "update", "delete").groups("").resources("endpoints").build(),
      rule("create").groups("").resources("endpoints/restricted").build(),
      eventsRule(),
    ],
    [
      "endpointslice-controller",
      rule("get", "list", "watch").groups("").resources("services", "pods", "nodes").build(),
      rule("update").groups("").resources("services/finalizers").build(),
      rule("get", "list", "create", "update", "delete").groups("discovery.k8s.io").resources("endpointslices").build(),
      eventsRule(),
    ],
    [
      "endpointslicemirroring-controller",
      rule("get", "list", "watch").groups("").resources("services", "endpoints").build(),
      rule("update").groups("").resources("services/finalizers").build(),
      rule("update").groups("").resources("endpoints/finalizers").build(),
      rule("get", "list", "create", "update", "delete").groups("discovery.k8s.io").resources("endpointslices").build(),
      eventsRule(),
    ],
    [
      "expand-controller",
      rule("get", "list", "watch", "update", "patch").groups("").resources("persistentvolumes").build(),
      rule("update", "patch").groups("").resources("persistentvolumeclaims/status").build(),
      rule("get", "list", "watch").groups("").resources("persistentvolumeclaims").build(),
      rule("get", "list", "watch").groups("storage.k8s.io").resources("storageclasses").build(),
      rule("get").groups("").resources("services", "endpoints").build(),
      rule("get").groups("").resources("secrets").build(),
      eventsRule(),
    ],
    [
      "ephemeral-volume-controller",
      rule("get", "list", "watch").groups("").resources("pods").build(),
      rule("update").groups("").resources("pods/finalizers").build(),
      rule("get", "list", "watch", "create").groups("").resources("persistentvolumeclaims").build(),
      eventsRule(),
    ],
    [
      "generic-garbage-collector",
      rule("get", "list", "watch", "patch", "update", "delete").groups("*").resources("*").build(),
      eventsRule(),
    ],
    [
      "horizontal-pod-autoscaler",
      rule("get", "list", "watch").groups("autoscaling").resources("horizontalpodautoscalers").build(),
      rule("update").groups("autoscaling").resources("horizontalpodautoscalers/status").build(),
      rule("get", "update").groups("*").resources("*/scale").build(),
      rule("list").groups("").resources("pods").build(),
      rule("list").groups("metrics.k8s.io").resources("pods").build(),
      rule("get", "list").groups("custom.metrics.k8s.io").resources("*").build(),
      rule("get", "list").groups("external.metrics.k8s.io").resources("*").build(),
      eventsRule(),
    ],
    [
      "job-controller",
      rule("get", "list", "watch", "update", "patch").groups("batch").resources("jobs").build(),
      rule("update").groups("batch").resources("jobs/status").build(),
      rule("update").groups("batch").resources("jobs/finalizers").build(),
      rule("list", "watch", "create", "delete", "patch").groups("").resources("pods").build(),
      eventsRule(),
    ],
    [
      "namespace-controller",
      rule("get", "list", "watch", "delete").groups("").resources("namespaces").build(),
      rule("update").groups("").resources("namespaces/finalize", "namespaces/status").build(),
      rule("get", "list", "delete", "deletecollection").groups("*").resources("*").build(),
    ],
    [
      "node-controller",
      rule("get", "list", "update", "delete", "patch").groups("").resources("nodes").build(),
      rule("patch", "update").groups("").resources("nodes/status").build(),
      rule("patch", "update").groups("").resources("pods/status").build(),
      rule("list", "delete").groups("").resources("pods").build(),
      rule("get", "list", "create", "update").groups("networking.k8s.io").resources("clustercidrs").build(),
      eventsRule(),
      // PodDisruptionConditions
      rule("get").groups("").resources("pods").build(),
    ],
    [
      "persistent-volume-binder",
      rule("get", "list", "watch", "update", "create", "delete").groups("").resources("persistentvolumes").build(),
      rule("update").groups("").resources("persistentvolumes/status").build(),
      rule("get", "list", "watch", "update").groups("").resources("persistentvolumeclaims").build(),
      rule("update").groups("").resources("persistentvolumeclaims/status").build(),
      rule("list", "watch", "get", "create", "delete").groups("").resources("pods").build(),
      rule("get", "list", "watch").groups("storage.k8s.io").resources("storageclasses").build(),
      rule("get", "create", "update", "delete").groups("").resources("endpoints").build(),
      rule("get", "create", "delete").groups("").resources("services").build(),
      rule("get").groups("").resources("secrets").build(),
      rule("get", "list").groups("").resources("nodes").build(),
      rule("watch").groups("").resources("events").build(),
      eventsRule(),
    ],
    [
      "pod-garbage-collector",
      rule("list", "watch", "delete").groups("").resources("pods").build(),
      rule("get", "list").groups("").resources("nodes").build(),
      // PodDisruptionConditions
      rule("patch").groups("").resources("pods/status").build(),
    ],
    [
      "replicaset-controller",
      rule("get", "list", "watch", "update").groups("apps", "extensions").resources("replicasets").build(),
      rule("update").groups("apps", "extensions").resources("replicasets/status").build(),
      rule("update").groups("apps", "extensions").resources("replicasets/finalizers").build(),
      rule("list", "watch", "patch", "create", "delete").groups("").resources("pods").build(),
      eventsRule(),
    ],
    [
      "replication-controller",
      rule("get", "list", "watch", "update").groups("").resources("replicationcontrollers").build(),
      rule("update").groups("").resources("replicationcontrollers/status").build(),
      rule("update").groups("").resources("replicationcontrollers/finalizers").build(),
      rule("list", "watch", "patch", "create", "delete").groups("").resources("pods").build(),
      eventsRule(),
    ],
    [
      "resourcequota-controller",
      rule("list", "watch").groups("*").resources("*").build(),
      rule("update").groups("").resources("resourcequotas/status").build(),
      eventsRule(),
    ],
    [
      "route-controller",
      rule("list", "watch").groups("").resources("nodes").build(),
      rule("patch").groups("").resources("nodes/status").build(),
      eventsRule(),
    ],
    ["service-account-controller", rule("create").groups("").resources("serviceaccounts").build(), eventsRule()],
    [
      "service-controller",
      rule("get", "list", "watch").groups("").resources("services").build(),
      rule("patch", "update").groups("").resources("services/status").build(),
      rule("list", "watch").groups("").resources("nodes").build(),
      eventsRule(),
    ],
    [
      "statefulset-controller",
      rule("list", "watch").groups("").resources("pods").build(),
      rule("get", "list", "watch").groups("apps").resources("statefulsets").build(),
      rule("update").groups("apps").resources("statefulsets/status").build(),
      rule("update").groups("apps").resources("statefulsets/finalizers").build(),
      rule("get", "create", "delete", "update", "patch").groups("").resources("pods").build(),
      rule("get", "create", "delete", "update", "patch", "list", "watch")
        .groups("apps")
        .resources("controllerrevisions")
        .build(),
      rule("get", "create").groups("").resources("persistentvolumeclaims").build(),
      eventsRule(),
      // StatefulSetAutoDeletePVC
      rule("update", "delete").groups("").resources("persistentvolumeclaims").build(),
    ],
    ["ttl-controller", rule("update", "patch", "list", "watch").groups("").resources("nodes").build(), eventsRule()],
    [
      "certificate-controller",
      rule("get", "list", "watch", "delete")
        .groups("certificates.k8s.io")
        .resources("certificatesigningrequests")
        .build(),
      rule("update")
        .groups("certificates.k8s.io")
        .resources("certificatesigningrequests/status", "certificatesigningrequests/approval")
        .build(),
      rule("approve")
        .groups("certificates.k8s.io")
        .resources("signers")
        .names("kubernetes.io/kube-apiserver-client-kubelet")
        .build(),
      rule("sign")
        .groups("certificates.k8s.io")
        .resources("signers")
        .names("kubernetes.io/legacy-unknown", "kubernetes.io/kube-apiserver-client")
        .names("kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving")
        .build(),
      rule("create").groups("authorization.k8s.io").resources("subjectaccessreviews").build(),
      eventsRule(),
    ],
    [
      "pvc-protection-controller",
      rule("get", "list", "watch", "update").groups("").resources("persistentvolumeclaims").build(),
      rule("list", "watch", "get").groups("").resources("pods").build(),
      eventsRule(),
    ],
    [
      "pv-protection-controller",
      rule("get", "list", "watch", "update").groups("").resources("persistentvolumes").build(),
      eventsRule(),
    ],
    [
      "ttl-after-finished-controller",
      rule("get", "list", "watch", "delete").groups("batch").resources("jobs").build(),
      eventsRule(),
    ],
    ["root-ca-cert-publisher", rule("create", "update").groups("").resources("configmaps").build(), eventsRule()],
  ];
  return roles.map(([name, ...rules]) => ({ name: PREFIX + name, rules }));
}

/** The controllers' ClusterRoles and their bindings to service account kube-system/<controller>. */
export function controllerPolicy(): { roles: RoleSpec[]; bindings: BindingSpec[] } {
  const roles = controllerRoles();
  const bindings = roles.map((r) => clusterBinding(r.name, (s) => s.sas("kube-system", r.name.slice(PREFIX.length))));
  return { roles, bindings };
}

import { type BindingSpec, clusterBinding, RBAC_GROUP } from "./rbac-builders.js";

// kube-apiserver 1.28's default ClusterRoleBindings of its default
// ClusterRoles (the controllers' come with their roles), in creation order.

export function clusterRoleBindings(): BindingSpec[] {
  return [
    clusterBinding("cluster-admin", (s) => s.groups("system:masters")),
    clusterBinding("system:monitoring", (s) => s.groups("system:monitoring")),
    clusterBinding("system:discovery", (s) => s.groups("system:authenticated")),
    clusterBinding("system:basic-user", (s) => s.groups("system:authenticated")),
    clusterBinding("system:public-info-viewer", (s) => s.groups("system:authenticated", "system:unauthenticated")),
    clusterBinding("system:node-proxier", (s) => s.users("system:kube-proxy")),
    clusterBinding("system:kube-controller-manager", (s) => s.users("system:kube-controller-manager")),
    clusterBinding("system:kube-dns", (s) => s.sas("kube-system", "kube-dns")),
    clusterBinding("system:kube-scheduler", (s) => s.users("system:kube-scheduler")),
    clusterBinding("system:volume-scheduler", (s) => s.users("system:kube-scheduler")),
    // Kept without subjects since the Node authorizer replaced it (kube 1.7), so nothing is granted through it.
    { name: "system:node", roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: "system:node" }, subjects: [] },
    clusterBinding("system:service-account-issuer-discovery", (s) => s.groups("system:serviceaccounts")),
  ];
}

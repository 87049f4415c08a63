import { define } from "./define.js";

// rbac.authorization.k8s.io/v1: stored and served; enforcement comes later.

const g = "rbac.authorization.k8s.io";

export const clusterrolebindings = define(g, "v1", "ClusterRoleBinding", "clusterrolebindings", { namespaced: false });
export const clusterroles = define(g, "v1", "ClusterRole", "clusterroles", { namespaced: false });
export const rolebindings = define(g, "v1", "RoleBinding", "rolebindings", { namespaced: true });
export const roles = define(g, "v1", "Role", "roles", { namespaced: true });

export const rbacResources = [clusterrolebindings, clusterroles, rolebindings, roles];

import type { KubeObject } from "../strategy.js";
import { withAggregatedRules } from "./rbac-aggregation.js";
import { type BindingSpec, RBAC_GROUP, type RoleSpec } from "./rbac-builders.js";
import { clusterRoleBindings } from "./rbac-cluster-role-bindings.js";
import { clusterRoles } from "./rbac-cluster-roles.js";
import { controllerPolicy } from "./rbac-controller-roles.js";
import { namespaceRoleBindings, namespaceRoles } from "./rbac-namespace-roles.js";

const API_VERSION = `${RBAC_GROUP}/v1`;

/** The label and annotation kube's bootstrap policy puts on every object it creates. */
const BOOTSTRAP_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const BOOTSTRAP_ANNOTATIONS = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

const labelsOf = (r: RoleSpec) => ({ ...r.labels, ...BOOTSTRAP_LABELS });

function metadata(name: string, namespace: string | undefined, labels: Record<string, string>) {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    labels,
    annotations: { ...BOOTSTRAP_ANNOTATIONS },
  };
}

function roleObject(kind: "ClusterRole" | "Role", r: RoleSpec & { namespace?: string }): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: metadata(r.name, r.namespace, labelsOf(r)),
    // kube's ClusterRole always carries `rules` (no omitempty).
    rules: r.rules ?? [],
    ...(r.aggregationRule ? { aggregationRule: r.aggregationRule } : {}),
  };
}

function bindingObject(kind: "ClusterRoleBinding" | "RoleBinding", b: BindingSpec): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: metadata(b.name, b.namespace, { ...BOOTSTRAP_LABELS }),
    ...(b.subjects.length > 0 ? { subjects: b.subjects } : {}),
    roleRef: b.roleRef,
  };
}

/**
 * The RBAC objects kube-apiserver 1.28 creates at start (its bootstrap policy):
 * ClusterRoles, ClusterRoleBindings, and the Roles and RoleBindings in
 * kube-system and kube-public, each with apiVersion, kind and metadata, in the
 * order kube creates them. The aggregated ClusterRoles (admin, edit, view)
 * already carry the rules kube's aggregation controller gives them.
 */
export function rbacBootstrapObjects(): KubeObject[] {
  const controllers = controllerPolicy();
  const roles = withAggregatedRules([...clusterRoles(), ...controllers.roles], labelsOf);
  return [
    ...roles.map((r) => roleObject("ClusterRole", r)),
    ...[...clusterRoleBindings(), ...controllers.bindings].map((b) => bindingObject("ClusterRoleBinding", b)),
    ...namespaceRoles().map((r) => roleObject("Role", r)),
    ...namespaceRoleBindings().map((b) => bindingObject("RoleBinding", b)),
  ];
}

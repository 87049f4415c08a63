import { labelSelectorMatches } from "@wharf/apimachinery";
import type { PolicyRule, RoleSpec } from "./rbac-builders.js";

// kube-controller-manager's clusterrole-aggregation controller, run once over
// the bootstrap ClusterRoles: Wharf has no such controller yet, so the
// aggregated roles (admin, edit, view) are created with the rules a kube 1.28
// cluster shows once the controller has settled.

/** Rules of one PolicyRule compared as kube's semantic equality does (absent and empty lists alike). */
function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  const lists = ["verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"] as const;
  return lists.every((k) => {
    const x = a[k] ?? [];
    const y = b[k] ?? [];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  });
}

/**
 * The rules of one aggregated role as the controller computes them: per
 * selector, the matching ClusterRoles (itself excepted) by name, their rules
 * appended in order unless an equal rule is already there.
 */
function aggregate(role: RoleSpec, all: RoleSpec[], labelsOf: (r: RoleSpec) => Record<string, string>): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const matched = all
      .filter((r) => r.name !== role.name && labelSelectorMatches(selector, labelsOf(r)) === true)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const r of matched) for (const rule of r.rules ?? []) if (!out.some((o) => sameRule(o, rule))) out.push(rule);
  }
  return out;
}

/**
 * `roles` with every aggregated role's rules filled in. Aggregated roles can
 * select each other (admin takes edit, edit takes view), so this runs the
 * controller's step until nothing changes, as the controller converges.
 */
export function withAggregatedRules(roles: RoleSpec[], labelsOf: (r: RoleSpec) => Record<string, string>): RoleSpec[] {
  const current = roles.map((r) => (r.aggregationRule ? { ...r, rules: [] as PolicyRule[] } : r));
  for (let round = 0; round <= current.length; round++) {
    let changed = false;
    current.forEach((r, i) => {
      if (!r.aggregationRule) return;
      const rules = aggregate(r, current, labelsOf);
      const before = r.rules ?? [];
      if (rules.length !== before.length || rules.some((x, j) => !sameRule(x, before[j]!))) {
        current[i] = { ...r, rules };
        changed = true;
      }
    });
    if (!changed) return current;
  }
  throw new Error("rbac bootstrap: ClusterRole aggregation does not settle");
}

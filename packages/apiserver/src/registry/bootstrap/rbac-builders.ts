// Builders for RBAC rules and bindings in the shape kube-apiserver's bootstrap
// policy produces them, so the policy tables read like kube's own.

export const RBAC_GROUP = "rbac.authorization.k8s.io";

/** An rbac.authorization.k8s.io/v1 PolicyRule; absent lists are left out as kube's omitempty does. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: "User" | "Group" | "ServiceAccount";
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: "Role" | "ClusterRole";
  name: string;
}

/** The verb sets kube's policy names. */
export const READ = ["get", "list", "watch"];
export const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
export const READ_WRITE = [...READ, ...WRITE];
export const READ_UPDATE = ["get", "list", "watch", "update", "patch"];

// Every list of a rule is sorted (byte order, as Go's sort.Strings) when it is
// built: kube's rule builder does so, and the stored objects show it.
class RuleBuilder {
  private readonly rule: { verbs: string[]; groups: string[]; resources: string[]; names: string[]; urls: string[] };

  constructor(verbs: string[]) {
    this.rule = { verbs: [...verbs], groups: [], resources: [], names: [], urls: [] };
  }

  groups(...groups: string[]): this {
    this.rule.groups.push(...groups);
    return this;
  }

  resources(...resources: string[]): this {
    this.rule.resources.push(...resources);
    return this;
  }

  names(...names: string[]): this {
    this.rule.names.push(...names);
    return this;
  }

  urls(...urls: string[]): this {
    this.rule.urls.push(...urls);
    return this;
  }

  /** The rule, in PolicyRule's field order; throws on a rule kube's builder would refuse. */
  build(): PolicyRule {
    const { verbs, groups, resources, names, urls } = this.rule;
    if (verbs.length === 0) throw new Error("rbac rule: verbs are required");
    if (urls.length > 0 ? groups.length + resources.length + names.length > 0 : groups.length * resources.length === 0)
      throw new Error(`rbac rule: resources and groups, or non-resource URLs alone: ${JSON.stringify(this.rule)}`);
    const out: PolicyRule = { verbs: sorted(verbs) };
    if (groups.length > 0) out.apiGroups = sorted(groups);
    if (resources.length > 0) out.resources = sorted(resources);
    if (names.length > 0) out.resourceNames = sorted(names);
    if (urls.length > 0) out.nonResourceURLs = sorted(urls);
    return out;
  }
}

const sorted = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** A rule allowing `verbs`; finish with .build(). */
export function rule(...verbs: string[]): RuleBuilder {
  return new RuleBuilder(verbs);
}

/** The rule on events (core and events.k8s.io) that most system components get. */
export function eventsRule(): PolicyRule {
  return rule("create", "update", "patch").groups("", "events.k8s.io").resources("events").build();
}

/** Subjects in the order they are added, as kube's binding builder keeps them. */
class SubjectsBuilder {
  readonly subjects: Subject[] = [];

  groups(...names: string[]): this {
    for (const name of names) this.subjects.push({ kind: "Group", apiGroup: RBAC_GROUP, name });
    return this;
  }

  users(...names: string[]): this {
    for (const name of names) this.subjects.push({ kind: "User", apiGroup: RBAC_GROUP, name });
    return this;
  }

  sas(namespace: string, ...names: string[]): this {
    for (const name of names) this.subjects.push({ kind: "ServiceAccount", name, namespace });
    return this;
  }
}

/** A ClusterRole or Role before its bootstrap metadata is added. */
export interface RoleSpec {
  name: string;
  /** Labels beyond kube's bootstrapping label, e.g. the aggregate-to-* ones. */
  labels?: Record<string, string>;
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors: { matchLabels: Record<string, string> }[] };
}

/** A binding named after the role it binds: ClusterRole for a ClusterRoleBinding, Role for a RoleBinding. */
export interface BindingSpec {
  name: string;
  namespace?: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

/** A ClusterRoleBinding of ClusterRole `role`, named after it. */
export function clusterBinding(role: string, add: (s: SubjectsBuilder) => unknown): BindingSpec {
  const s = new SubjectsBuilder();
  add(s);
  return { name: role, roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role }, subjects: s.subjects };
}

/** A RoleBinding in `namespace` of Role `role`, named after it. */
export function roleBinding(role: string, namespace: string, add: (s: SubjectsBuilder) => unknown): BindingSpec {
  const s = new SubjectsBuilder();
  add(s);
  return { name: role, namespace, roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name: role }, subjects: s.subjects };
}

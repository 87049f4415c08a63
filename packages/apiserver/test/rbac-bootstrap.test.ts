import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rbacBootstrapObjects } from "../src/registry/bootstrap/rbac-bootstrap.js";
import { adminJson, adminServerSuite } from "./support/local-server.js";

// kube-apiserver 1.28's RBAC bootstrap policy as data: the counts, and chosen
// objects field by field as kube's bootstrappolicy testdata lists them (the
// aggregated admin role as its aggregation controller fills it). Then every
// object goes through a running apiserver on a real etcd and on brain: it
// passes our RBAC validation and reads back unchanged.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const objects = rbacBootstrapObjects() as Json[];
const G = "rbac.authorization.k8s.io";
const META = {
  labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
  annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
};
const find = (kind: string, name: string, namespace?: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === namespace);
  assert.ok(o, `${kind} ${namespace ?? ""}/${name} is in the bootstrap policy`);
  return o;
};
const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]) => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
const RWATCH = ["get", "list", "watch"];
const EVENTS = r(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]);

describe("RBAC bootstrap policy (kube-apiserver 1.28)", () => {
  it("has kube's number of each kind, every name once, every object labelled and annotated as kube's", () => {
    const count = (kind: string) => objects.filter((o) => o.kind === kind).length;
    assert.deepEqual(
      ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].map(count),
      [62, 43, 7, 7],
      "ClusterRoles, ClusterRoleBindings, Roles, RoleBindings",
    );
    assert.equal(objects.length, 62 + 43 + 7 + 7);
    const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    assert.equal(new Set(keys).size, keys.length, "names are unique per kind and namespace");
    for (const o of objects) {
      assert.equal(o.apiVersion, `${G}/v1`);
      assert.equal(o.metadata.labels["kubernetes.io/bootstrapping"], "rbac-defaults", o.metadata.name);
      assert.deepEqual(o.metadata.annotations, META.annotations, o.metadata.name);
    }
    // Roles and bindings only in kube-system and kube-public: six and one of each.
    const ns = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.namespace);
    assert.deepEqual(ns("Role"), [...Array(6).fill("kube-system"), "kube-public"]);
    assert.deepEqual(ns("RoleBinding"), [...Array(6).fill("kube-system"), "kube-public"]);
    // Creation order: ClusterRoles, ClusterRoleBindings, Roles, RoleBindings; the controllers' roles last.
    assert.deepEqual(
      [...new Set(objects.map((o) => o.kind))],
      ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    );
    const roles = objects.filter((o) => o.kind === "ClusterRole").map((o) => o.metadata.name);
    assert.equal(roles[0], "cluster-admin");
    assert.equal(roles[30], "system:kube-scheduler");
    assert.equal(roles[31], "system:controller:attachdetach-controller");
    assert.equal(roles[61], "system:controller:root-ca-cert-publisher");
  });

  it("cluster-admin and its binding", () => {
    assert.deepEqual(find("ClusterRole", "cluster-admin"), {
      apiVersion: `${G}/v1`,
      kind: "ClusterRole",
      metadata: { name: "cluster-admin", ...META },
      rules: [
        { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
        { verbs: ["*"], nonResourceURLs: ["*"] },
      ],
    });
    assert.deepEqual(find("ClusterRoleBinding", "cluster-admin"), {
      apiVersion: `${G}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: "cluster-admin", ...META },
      subjects: [{ apiGroup: G, kind: "Group", name: "system:masters" }],
      roleRef: { apiGroup: G, kind: "ClusterRole", name: "cluster-admin" },
    });
  });

  it("system:node (and its binding without subjects)", () => {
    assert.deepEqual(find("ClusterRole", "system:node").rules, [
      r(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      r(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews", "subjectaccessreviews"]),
      r(RWATCH, [""], ["services"]),
      r(["create", "get", "list", "watch"], [""], ["nodes"]),
      r(["patch", "update"], [""], ["nodes/status"]),
      r(["patch", "update"], [""], ["nodes"]),
      r(["create", "patch", "update"], [""], ["events"]),
      r(RWATCH, [""], ["pods"]),
      r(["create", "delete"], [""], ["pods"]),
      r(["patch", "update"], [""], ["pods/status"]),
      r(["create"], [""], ["pods/eviction"]),
      r(RWATCH, [""], ["configmaps", "secrets"]),
      r(["get"], [""], ["persistentvolumeclaims", "persistentvolumes"]),
      r(["get"], [""], ["endpoints"]),
      r(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
      r(["create", "delete", "get", "patch", "update"], ["coordination.k8s.io"], ["leases"]),
      r(["get"], ["storage.k8s.io"], ["volumeattachments"]),
      r(["create"], [""], ["serviceaccounts/token"]),
      r(["get", "patch", "update"], [""], ["persistentvolumeclaims/status"]),
      r(RWATCH, ["storage.k8s.io"], ["csidrivers"]),
      r(["create", "delete", "get", "patch", "update"], ["storage.k8s.io"], ["csinodes"]),
      r(RWATCH, ["node.k8s.io"], ["runtimeclasses"]),
    ]);
    const binding = find("ClusterRoleBinding", "system:node");
    assert.equal(binding.subjects, undefined, "kube leaves system:node bound to nobody");
    assert.deepEqual(binding.roleRef, { apiGroup: G, kind: "ClusterRole", name: "system:node" });
  });

  it("system:kube-scheduler", () => {
    const role = find("ClusterRole", "system:kube-scheduler");
    assert.deepEqual(role.metadata, { name: "system:kube-scheduler", ...META });
    assert.deepEqual(role.rules, [
      EVENTS,
      r(["create"], ["coordination.k8s.io"], ["leases"]),
      r(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
      r(RWATCH, [""], ["nodes"]),
      r(["delete", "get", "list", "watch"], [""], ["pods"]),
      r(["create"], [""], ["bindings", "pods/binding"]),
      r(["patch", "update"], [""], ["pods/status"]),
      r(RWATCH, [""], ["replicationcontrollers", "services"]),
      r(RWATCH, ["apps", "extensions"], ["replicasets"]),
      r(RWATCH, ["apps"], ["statefulsets"]),
      r(RWATCH, ["policy"], ["poddisruptionbudgets"]),
      r(RWATCH, [""], ["persistentvolumeclaims", "persistentvolumes"]),
      r(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      r(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      r(RWATCH, ["storage.k8s.io"], ["csinodes"]),
      r(RWATCH, [""], ["namespaces"]),
      r(RWATCH, ["storage.k8s.io"], ["csidrivers"]),
      r(RWATCH, ["storage.k8s.io"], ["csistoragecapacities"]),
    ]);
    assert.deepEqual(find("ClusterRoleBinding", "system:kube-scheduler").subjects, [
      { apiGroup: G, kind: "User", name: "system:kube-scheduler" },
    ]);
  });

  it("system:controller:replicaset-controller, bound to its service account", () => {
    const name = "system:controller:replicaset-controller";
    assert.deepEqual(find("ClusterRole", name), {
      apiVersion: `${G}/v1`,
      kind: "ClusterRole",
      metadata: { name, ...META },
      rules: [
        r(["get", "list", "update", "watch"], ["apps", "extensions"], ["replicasets"]),
        r(["update"], ["apps", "extensions"], ["replicasets/status"]),
        r(["update"], ["apps", "extensions"], ["replicasets/finalizers"]),
        r(["create", "delete", "list", "patch", "watch"], [""], ["pods"]),
        EVENTS,
      ],
    });
    assert.deepEqual(find("ClusterRoleBinding", name), {
      apiVersion: `${G}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name, ...META },
      subjects: [{ kind: "ServiceAccount", name: "replicaset-controller", namespace: "kube-system" }],
      roleRef: { apiGroup: G, kind: "ClusterRole", name },
    });
  });

  it("the system:basic-user binding", () => {
    assert.deepEqual(find("ClusterRoleBinding", "system:basic-user"), {
      apiVersion: `${G}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: "system:basic-user", ...META },
      subjects: [{ apiGroup: G, kind: "Group", name: "system:authenticated" }],
      roleRef: { apiGroup: G, kind: "ClusterRole", name: "system:basic-user" },
    });
    assert.deepEqual(find("ClusterRole", "system:basic-user").rules, [
      r(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
      r(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
    ]);
  });

  it("kube-system's extension-apiserver-authentication-reader Role and its binding", () => {
    assert.deepEqual(find("Role", "extension-apiserver-authentication-reader", "kube-system"), {
      apiVersion: `${G}/v1`,
      kind: "Role",
      metadata: { name: "extension-apiserver-authentication-reader", namespace: "kube-system", ...META },
      rules: [r(RWATCH, [""], ["configmaps"], ["extension-apiserver-authentication"])],
    });
    assert.deepEqual(find("RoleBinding", "system::extension-apiserver-authentication-reader", "kube-system"), {
      apiVersion: `${G}/v1`,
      kind: "RoleBinding",
      metadata: { name: "system::extension-apiserver-authentication-reader", namespace: "kube-system", ...META },
      subjects: [
        { apiGroup: G, kind: "User", name: "system:kube-controller-manager" },
        { apiGroup: G, kind: "User", name: "system:kube-scheduler" },
      ],
      roleRef: { apiGroup: G, kind: "Role", name: "extension-apiserver-authentication-reader" },
    });
  });

  it("admin, edit and view carry the rules kube's aggregation controller gives them", () => {
    const admin = find("ClusterRole", "admin");
    assert.deepEqual(admin.metadata, { name: "admin", ...META });
    assert.deepEqual(admin.aggregationRule, {
      clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }],
    });
    // edit's rules (system:aggregate-to-edit's, then view's), then system:aggregate-to-admin's.
    assert.equal(admin.rules.length, 25);
    assert.deepEqual(
      admin.rules[0],
      r(RWATCH, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
    );
    assert.deepEqual(
      admin.rules[12],
      r(
        [...RWATCH, "create", "update", "patch", "delete", "deletecollection"].sort(),
        ["coordination.k8s.io"],
        ["leases"],
      ),
    );
    assert.deepEqual(
      admin.rules[13],
      r(
        RWATCH,
        [""],
        [
          "configmaps",
          "endpoints",
          "persistentvolumeclaims",
          "persistentvolumeclaims/status",
          "pods",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "serviceaccounts",
          "services",
          "services/status",
        ],
      ),
    );
    assert.deepEqual(admin.rules[23], r(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]));
    assert.deepEqual(
      admin.rules[24],
      r(
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        ["rbac.authorization.k8s.io"],
        ["rolebindings", "roles"],
      ),
    );
    const rulesOf = (name: string) => find("ClusterRole", name).rules;
    assert.deepEqual(admin.rules, [...rulesOf("edit"), ...rulesOf("system:aggregate-to-admin")]);
    assert.deepEqual(rulesOf("edit"), [...rulesOf("system:aggregate-to-edit"), ...rulesOf("view")]);
    assert.deepEqual(rulesOf("view"), rulesOf("system:aggregate-to-view"));
    assert.equal(rulesOf("view").length, 10);
    assert.deepEqual(find("ClusterRole", "edit").metadata.labels, {
      ...META.labels,
      "rbac.authorization.k8s.io/aggregate-to-admin": "true",
    });
  });
});

const base = "/apis/rbac.authorization.k8s.io/v1";
const plural: Record<string, string> = {
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  Role: "roles",
  RoleBinding: "rolebindings",
};
const collection = (o: Json) =>
  o.metadata.namespace === undefined
    ? `${base}/${plural[o.kind]}`
    : `${base}/namespaces/${o.metadata.namespace}/${plural[o.kind]}`;
/** The fields the bootstrap policy sets; the server adds the rest of metadata. */
const policyFields = (o: Json) => ({
  kind: o.kind,
  apiVersion: o.apiVersion,
  name: o.metadata.name,
  namespace: o.metadata.namespace,
  labels: o.metadata.labels,
  annotations: o.metadata.annotations,
  rules: o.rules,
  aggregationRule: o.aggregationRule,
  subjects: o.subjects,
  roleRef: o.roleRef,
});

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: the RBAC bootstrap objects`, { timeout: 120_000 }, () => {
    const suite = adminServerSuite(backend, "wharf-rbac-bootstrap-");

    it("every object passes validation and reads back as the policy has it", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      for (const o of objects) {
        const url = `${collection(o)}/${o.metadata.name}`;
        let created = await adminJson(api.url, "POST", collection(o), o);
        if (created.code === 409) {
          // Already there (the server made it at start): the update's validation, then the create's once deleted.
          const stored = await adminJson(api.url, "GET", url);
          const update = { ...o, metadata: { ...o.metadata, resourceVersion: stored.body.metadata.resourceVersion } };
          const updated = await adminJson(api.url, "PUT", url, update);
          assert.equal(updated.code, 200, `update ${o.kind} ${o.metadata.name}: ${JSON.stringify(updated.body)}`);
          const deleted = await adminJson(api.url, "DELETE", url);
          assert.equal(deleted.code, 200, `delete ${o.kind} ${o.metadata.name}: ${JSON.stringify(deleted.body)}`);
          created = await adminJson(api.url, "POST", collection(o), o);
        }
        assert.equal(created.code, 201, `create ${o.kind} ${o.metadata.name}: ${JSON.stringify(created.body)}`);
      }
      for (const o of objects) {
        const got = await adminJson(api.url, "GET", `${collection(o)}/${o.metadata.name}`);
        assert.equal(got.code, 200, `${o.kind} ${o.metadata.name}`);
        assert.deepEqual(policyFields(got.body), policyFields(o), `${o.kind} ${o.metadata.name} reads back unchanged`);
      }
    });

    it("a list by kube's bootstrapping label finds exactly the policy's ClusterRoles and bindings", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const selector = `?labelSelector=${encodeURIComponent("kubernetes.io/bootstrapping=rbac-defaults")}`;
      for (const kind of ["ClusterRole", "ClusterRoleBinding"]) {
        const list = await adminJson(api.url, "GET", `${base}/${plural[kind]}${selector}`);
        assert.equal(list.code, 200);
        const names = (list.body.items as Json[]).map((i) => i.metadata.name).sort();
        const expected = objects
          .filter((o) => o.kind === kind)
          .map((o) => o.metadata.name)
          .sort();
        assert.deepEqual(names, expected, kind);
      }
      const roles = await adminJson(api.url, "GET", `${base}/namespaces/kube-system/roles${selector}`);
      assert.deepEqual((roles.body.items as Json[]).map((i) => i.metadata.name).sort(), [
        "extension-apiserver-authentication-reader",
        "system::leader-locking-kube-controller-manager",
        "system::leader-locking-kube-scheduler",
        "system:controller:bootstrap-signer",
        "system:controller:cloud-provider",
        "system:controller:token-cleaner",
      ]);
    });
  });
}

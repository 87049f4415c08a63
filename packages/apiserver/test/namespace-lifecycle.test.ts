import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCD_BIN, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import { type RunningApiServer, startApiServer } from "../src/index.js";
import { adminJson, localServerOptions, startAdminServer } from "./support/local-server.js";

const run = promisify(execFile);

// Namespace deletion as kube-apiserver 1.28 and kube-controller-manager's
// namespace controller do it, on a real etcd and on brain: the `kubernetes`
// finalizer, Terminating, the deletion of every namespaced resource (custom
// resources of CRDs created after start included), objects with finalizers
// holding the namespace with kube's conditions, /finalize, the garbage
// collector's finalizers on the namespace, restart, and kubectl.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};
const widgets = (ns: string) => `/apis/example.com/v1/namespaces/${ns}/widgets`;
const configmaps = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const pods = (ns: string) => `/api/v1/namespaces/${ns}/pods`;

/** What the conditions say, without their times. */
const conditionsOf = (ns: Json) =>
  (ns.status?.conditions ?? []).map((c: Json) => [c.type, c.status, c.reason, c.message]);

/** The five conditions all clear but `remaining` and `finalizers` (kube's texts). */
const expectedConditions = (remaining?: string, finalizers?: string) => [
  ["NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"],
  [
    "NamespaceDeletionGroupVersionParsingFailure",
    "False",
    "ParsedGroupVersions",
    "All legacy kube types successfully parsed",
  ],
  [
    "NamespaceDeletionContentFailure",
    "False",
    "ContentDeleted",
    "All content successfully deleted, may be waiting on finalization",
  ],
  remaining
    ? ["NamespaceContentRemaining", "True", "SomeResourcesRemain", `Some resources are remaining: ${remaining}`]
    : ["NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed"],
  finalizers
    ? [
        "NamespaceFinalizersRemaining",
        "True",
        "SomeFinalizersRemain",
        `Some content in the namespace has finalizers remaining: ${finalizers}`,
      ]
    : ["NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished"],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: namespace lifecycle`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    /** A second apiserver on the same etcd under another prefix that never finalizes, so Terminating stays. */
    let frozen: RunningApiServer | undefined;
    const dir = tempDir("wharf-ns-");
    const kubeconfig = join(dir.path, "kubeconfig");

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      frozen = await startApiServer(
        localServerOptions(store.url, dir.path, {
          tokenAuthFile: join(dir.path, "tokens.csv"),
          etcdPrefix: "/frozen",
          finalizeNamespaces: false,
        }),
      );
      // A CRD stored after the server started: its custom resources must be deleted with their namespace.
      await ok(api, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD);
      await until("widgets are served", async () => (await call(api!, "GET", widgets("default"))).code === 200);
    });
    after(async () => {
      await api?.close();
      await frozen?.close();
      await store?.stop();
      dir.remove();
    });

    const call = (server: RunningApiServer, method: string, path: string, body?: unknown, type?: string) =>
      adminJson(server.url, method, path, body, type);
    const ok = async (server: RunningApiServer, method: string, path: string, body?: unknown, type?: string) => {
      const r = await call(server, method, path, body, type);
      assert.ok(r.code < 300, `${method} ${path}: ${r.code} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    /** Polls `check` (every 50 ms, up to 60 s) until it holds. */
    const until = async (what: string, check: () => Promise<boolean>) => {
      for (let i = 0; i < 1200; i++) {
        if (await check()) return;
        await sleep(50);
      }
      assert.fail(`timed out waiting until ${what}`);
    };
    const gone = (server: RunningApiServer, path: string) =>
      until(`${path} is gone`, async () => (await call(server, "GET", path)).code === 404);
    const makeNamespace = (server: RunningApiServer, name: string, spec?: Json) =>
      ok(server, "POST", "/api/v1/namespaces", { metadata: { name }, ...(spec ? { spec } : {}) });

    it("gives a new namespace phase Active and the kubernetes finalizer, after those it was given", async (t) => {
      if (!api) return t.skip("no backend");
      const plain = await makeNamespace(api, "plain");
      assert.deepEqual(plain.spec, { finalizers: ["kubernetes"] });
      assert.deepEqual(plain.status, { phase: "Active" });
      assert.equal(plain.metadata.labels["kubernetes.io/metadata.name"], "plain");
      const given = await ok(api, "POST", "/api/v1/namespaces", {
        metadata: { name: "given" },
        spec: { finalizers: ["example.com/first"] },
        status: { phase: "Terminating" },
      });
      assert.deepEqual(given.spec.finalizers, ["example.com/first", "kubernetes"]);
      assert.deepEqual(given.status, { phase: "Active" });
    });

    it("deletes built-ins and the custom resources of a CRD created after start, then the namespace", async (t) => {
      if (!api) return t.skip("no backend");
      await makeNamespace(api, "doomed");
      for (const n of ["a", "b"]) await ok(api, "POST", configmaps("doomed"), { metadata: { name: n } });
      await ok(api, "POST", "/api/v1/namespaces/doomed/secrets", { metadata: { name: "s" }, type: "Opaque" });
      await ok(api, "POST", widgets("doomed"), {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w" },
      });
      const del = await call(api, "DELETE", "/api/v1/namespaces/doomed");
      assert.equal(del.code, 200);
      assert.equal(del.body.kind, "Namespace");
      assert.equal(del.body.status.phase, "Terminating");
      assert.ok(del.body.metadata.deletionTimestamp, "the answer carries the deletionTimestamp");
      assert.deepEqual(del.body.spec.finalizers, ["kubernetes"]);
      await gone(api, "/api/v1/namespaces/doomed");
      // Recreated, it is empty: nothing of the old content was left in etcd.
      await makeNamespace(api, "doomed");
      assert.deepEqual((await ok(api, "GET", configmaps("doomed"))).items, []);
      assert.deepEqual((await ok(api, "GET", "/api/v1/namespaces/doomed/secrets")).items, []);
      assert.deepEqual((await ok(api, "GET", widgets("doomed"))).items, []);
    });

    it("waits for content with finalizers, with kube's conditions, then finishes once they are removed", async (t) => {
      if (!api) return t.skip("no backend");
      await makeNamespace(api, "held");
      await ok(api, "POST", configmaps("held"), { metadata: { name: "plain" } });
      await ok(api, "POST", widgets("held"), {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w", finalizers: ["example.com/hold"] },
      });
      await ok(api, "DELETE", "/api/v1/namespaces/held");
      let ns: Json;
      await until("the namespace reports its remaining finalizers", async () => {
        ns = await ok(api!, "GET", "/api/v1/namespaces/held");
        return conditionsOf(ns).some((c: string[]) => c[0] === "NamespaceFinalizersRemaining" && c[1] === "True");
      });
      assert.deepEqual(
        conditionsOf(ns),
        expectedConditions("widgets.example.com has 1 resource instances", "example.com/hold in 1 resource instances"),
      );
      assert.ok(
        ns.status.conditions.every((c: Json) => typeof c.lastTransitionTime === "string"),
        "conditions carry their transition time",
      );
      assert.equal(ns.status.phase, "Terminating");
      assert.deepEqual(ns.spec.finalizers, ["kubernetes"], "the finalizer stays while content remains");
      assert.equal(
        (await call(api, "GET", `${configmaps("held")}/plain`)).code,
        404,
        "content without finalizers went",
      );
      const w = await ok(api, "GET", `${widgets("held")}/w`);
      assert.ok(w.metadata.deletionTimestamp, "the held widget is being deleted");
      // Still held a while later: nothing finalizes a namespace whose content has finalizers.
      await sleep(300);
      const still = await ok(api, "GET", "/api/v1/namespaces/held");
      assert.deepEqual(still.spec.finalizers, ["kubernetes"]);
      await ok(
        api,
        "PATCH",
        `${widgets("held")}/w`,
        { metadata: { finalizers: null } },
        "application/merge-patch+json",
      );
      await gone(api, "/api/v1/namespaces/held");
      assert.equal((await call(api, "GET", `${widgets("held")}/w`)).code, 404);
    });

    it("lets two apiservers on one etcd finish a namespace together without rewriting its conditions", async (t) => {
      if (!api || !store) return t.skip("no backend");
      const other = await startApiServer(
        localServerOptions(store.url, dir.path, { tokenAuthFile: join(dir.path, "tokens.csv") }),
      );
      try {
        await until(
          "the second apiserver serves widgets",
          async () => (await call(other, "GET", widgets("default"))).code === 200,
        );
        await makeNamespace(api, "shared");
        await ok(api, "POST", widgets("shared"), {
          apiVersion: "example.com/v1",
          kind: "Widget",
          metadata: { name: "w", finalizers: ["example.com/hold"] },
        });
        await ok(other, "DELETE", "/api/v1/namespaces/shared");
        let ns: Json;
        await until("the namespace reports its remaining finalizers", async () => {
          ns = await ok(api!, "GET", "/api/v1/namespaces/shared");
          return conditionsOf(ns).some((c: string[]) => c[0] === "NamespaceFinalizersRemaining" && c[1] === "True");
        });
        // Both controllers keep looking; neither writes again while nothing changes.
        await sleep(1000);
        const later = await ok(other, "GET", "/api/v1/namespaces/shared");
        assert.equal(later.metadata.resourceVersion, ns.metadata.resourceVersion, "the conditions are not rewritten");
        await ok(
          other,
          "PATCH",
          `${widgets("shared")}/w`,
          { metadata: { finalizers: null } },
          "application/merge-patch+json",
        );
        await gone(api, "/api/v1/namespaces/shared");
      } finally {
        await other.close();
      }
    });

    it("counts gracefully deleted pods as remaining until they are gone", async (t) => {
      if (!api) return t.skip("no backend");
      await makeNamespace(api, "grace");
      await ok(api, "POST", pods("grace"), {
        metadata: { name: "p" },
        spec: { nodeName: "n1", containers: [{ name: "c", image: "nginx" }] },
      });
      await ok(api, "DELETE", "/api/v1/namespaces/grace");
      let ns: Json;
      await until("the namespace reports the remaining pod", async () => {
        ns = await ok(api!, "GET", "/api/v1/namespaces/grace");
        return conditionsOf(ns).some((c: string[]) => c[0] === "NamespaceContentRemaining" && c[1] === "True");
      });
      assert.deepEqual(conditionsOf(ns), expectedConditions("pods. has 1 resource instances"));
      const pod = await ok(api, "GET", `${pods("grace")}/p`);
      assert.equal(pod.metadata.deletionGracePeriodSeconds, 30, "the pod was deleted gracefully");
      await ok(api, "DELETE", `${pods("grace")}/p?gracePeriodSeconds=0`);
      await gone(api, "/api/v1/namespaces/grace");
    });

    it("refuses new content in a terminating namespace with kube's cause, and keeps its deletionTimestamp", async (t) => {
      if (!frozen) return t.skip("no backend");
      await makeNamespace(frozen, "closing");
      await ok(frozen, "DELETE", "/api/v1/namespaces/closing");
      const terminating = await ok(frozen, "GET", "/api/v1/namespaces/closing");
      const stamp = terminating.metadata.deletionTimestamp;
      assert.ok(stamp, "a terminating namespace has a deletionTimestamp");
      assert.equal(terminating.status.phase, "Terminating");
      const late = await call(frozen, "POST", configmaps("closing"), { metadata: { name: "late" } });
      assert.equal(late.code, 403);
      assert.equal(
        late.body.message,
        'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated',
      );
      assert.deepEqual(late.body.details.causes, [
        {
          reason: "NamespaceTerminating",
          message: "namespace closing is being terminated",
          field: "metadata.namespace",
        },
      ]);
      // A client's update can clear neither the deletionTimestamp nor the finalizers.
      const updated = await ok(frozen, "PUT", "/api/v1/namespaces/closing", {
        ...terminating,
        metadata: { ...terminating.metadata, deletionTimestamp: undefined, labels: { x: "y" } },
        spec: { finalizers: [] },
      });
      assert.equal(updated.metadata.deletionTimestamp, stamp);
      assert.equal(updated.metadata.labels.x, "y");
      assert.deepEqual(updated.spec.finalizers, ["kubernetes"]);
      // A second DELETE answers it as it is while its finalizers remain.
      const again = await call(frozen, "DELETE", "/api/v1/namespaces/closing");
      assert.equal(again.code, 200);
      assert.equal(again.body.metadata.resourceVersion, updated.metadata.resourceVersion);
    });

    it("/finalize changes spec.finalizers, not status; removing the last one deletes the namespace", async (t) => {
      if (!frozen) return t.skip("no backend");
      await makeNamespace(frozen, "fin", { finalizers: ["example.com/mine"] });
      await ok(frozen, "DELETE", "/api/v1/namespaces/fin");
      const ns = await ok(frozen, "GET", "/api/v1/namespaces/fin");
      assert.deepEqual(ns.spec.finalizers, ["example.com/mine", "kubernetes"]);
      const bad = await call(frozen, "PUT", "/api/v1/namespaces/fin/finalize", {
        ...ns,
        spec: { finalizers: ["mine"] },
      });
      assert.equal(bad.code, 422);
      assert.equal(
        bad.body.message,
        'Namespace "fin" is invalid: spec.finalizers[0]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
      );
      const first = await ok(frozen, "PUT", "/api/v1/namespaces/fin/finalize", {
        ...ns,
        spec: { finalizers: ["example.com/mine"] },
        status: { phase: "Active" },
      });
      assert.deepEqual(first.spec.finalizers, ["example.com/mine"]);
      assert.equal(first.status.phase, "Terminating", "/finalize leaves status alone");
      assert.equal((await call(frozen, "GET", "/api/v1/namespaces/fin")).code, 200, "one finalizer still holds it");
      const last = await call(frozen, "PUT", "/api/v1/namespaces/fin/finalize", { ...first, spec: { finalizers: [] } });
      assert.equal(last.code, 200);
      assert.equal(last.body.metadata.name, "fin");
      assert.equal((await call(frozen, "GET", "/api/v1/namespaces/fin")).code, 404);
    });

    it("keeps the propagation policy's finalizer on the namespace after /finalize until a later delete drops it", async (t) => {
      if (!frozen) return t.skip("no backend");
      await makeNamespace(frozen, "orph");
      const del = await call(frozen, "DELETE", "/api/v1/namespaces/orph?propagationPolicy=Orphan");
      assert.equal(del.code, 200);
      assert.deepEqual(del.body.metadata.finalizers, ["orphan"]);
      const fin = await ok(frozen, "PUT", "/api/v1/namespaces/orph/finalize", {
        ...del.body,
        spec: { finalizers: [] },
      });
      assert.deepEqual(fin.metadata.finalizers, ["orphan"]);
      assert.equal((await call(frozen, "GET", "/api/v1/namespaces/orph")).code, 200, "the orphan finalizer holds it");
      const last = await call(frozen, "DELETE", "/api/v1/namespaces/orph", { propagationPolicy: "Background" });
      assert.equal(last.code, 200);
      assert.equal((await call(frozen, "GET", "/api/v1/namespaces/orph")).code, 404);
      // orphanDependents=false asks for foreground deletion: 202, and the namespace carries foregroundDeletion.
      await makeNamespace(frozen, "fg");
      const fg = await call(frozen, "DELETE", "/api/v1/namespaces/fg", { orphanDependents: false });
      assert.equal(fg.code, 202);
      assert.deepEqual(fg.body.metadata.finalizers, ["foregroundDeletion"]);
    });

    it("finishes after a restart a namespace an earlier run left Terminating", async (t) => {
      if (!frozen || !store) return t.skip("no backend");
      await makeNamespace(frozen, "left");
      await ok(frozen, "POST", configmaps("left"), { metadata: { name: "c" } });
      await ok(frozen, "DELETE", "/api/v1/namespaces/left");
      assert.equal((await ok(frozen, "GET", "/api/v1/namespaces/left")).status.phase, "Terminating");
      const next = await startApiServer(
        localServerOptions(store.url, dir.path, {
          tokenAuthFile: join(dir.path, "tokens.csv"),
          etcdPrefix: "/frozen",
        }),
      );
      try {
        await gone(next, "/api/v1/namespaces/left");
        await makeNamespace(next, "left");
        assert.deepEqual((await ok(next, "GET", configmaps("left"))).items, [], "its content went too");
      } finally {
        await next.close();
      }
    });

    it("kubectl delete namespace returns once the namespace is gone", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL) return t.skip("kubectl not installed");
      await makeNamespace(api, "kd");
      await ok(api, "POST", configmaps("kd"), { metadata: { name: "c" } });
      await ok(api, "POST", widgets("kd"), { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } });
      const out = await run(KUBECTL, [`--kubeconfig=${kubeconfig}`, "delete", "namespace", "kd", "--timeout=60s"]);
      assert.equal(out.stdout.trim(), 'namespace "kd" deleted');
      assert.equal((await call(api, "GET", "/api/v1/namespaces/kd")).code, 404, "kubectl waited for it to go");
    });

    it("refuses to delete the system namespaces", async (t) => {
      if (!api) return t.skip("no backend");
      for (const name of ["default", "kube-system", "kube-public"]) {
        const r = await call(api, "DELETE", `/api/v1/namespaces/${name}`);
        assert.equal(r.code, 403);
        assert.equal(r.body.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
      }
    });
  });
}

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCD_BIN, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { adminJson, adminRequest, startAdminServer } from "./support/local-server.js";

const run = promisify(execFile);

// Subresources (status, scale, binding, finalize), metadata.generation and
// per-kind field selectors, against kube-apiserver 1.28's rules.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;
interface Reply {
  code: number;
  body: Json;
}

const labels = { app: "web" };
const template = { metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx" }] } };

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: subresources, generation, field selectors`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-subresources-");
    const kubeconfig = join(dir.path, "kubeconfig");

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      await call("POST", "/api/v1/namespaces", { metadata: { name: "sub" } });
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    const call = (method: string, path: string, body?: unknown, contentType?: string): Promise<Reply> =>
      adminJson(api!.url, method, path, body, contentType);
    const ok = async (method: string, path: string, body?: unknown, contentType?: string) => {
      const r = await call(method, path, body, contentType);
      assert.ok(r.code < 300, `${method} ${path}: ${r.code} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const DEPLOY = "/apis/apps/v1/namespaces/sub/deployments";

    it("keeps status on main writes, spec on /status writes, and counts spec changes in generation", async (t) => {
      if (!api) return t.skip("no backend");
      const created = await ok("POST", DEPLOY, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", generation: 7 },
        spec: { replicas: 2, selector: { matchLabels: labels }, template },
        status: { replicas: 9 },
      });
      // Create sets generation 1 and cannot set status.
      assert.equal(created.metadata.generation, 1);
      assert.deepEqual(created.status, {});
      // /status changes only status, never generation.
      const st = await ok("PUT", `${DEPLOY}/web/status`, {
        ...created,
        spec: { ...created.spec, replicas: 50 },
        status: { replicas: 2, readyReplicas: 1 },
      });
      assert.equal(st.spec.replicas, 2);
      assert.deepEqual(st.status, { replicas: 2, readyReplicas: 1 });
      assert.equal(st.metadata.generation, 1);
      // A main PUT keeps the stored status; a spec change bumps generation.
      const main = await ok("PUT", `${DEPLOY}/web`, {
        ...st,
        spec: { ...st.spec, replicas: 3 },
        status: { replicas: 0 },
      });
      assert.equal(main.spec.replicas, 3);
      assert.deepEqual(main.status, { replicas: 2, readyReplicas: 1 });
      assert.equal(main.metadata.generation, 2);
      // Metadata-only changes do not count, nor can a client set generation.
      const labelled = await ok(
        "PATCH",
        `${DEPLOY}/web`,
        { metadata: { labels: { tier: "front" }, generation: 40 } },
        "application/merge-patch+json",
      );
      assert.equal(labelled.metadata.generation, 2);
      // PATCH on /status ignores spec in the patch.
      const patched = await ok(
        "PATCH",
        `${DEPLOY}/web/status`,
        { spec: { replicas: 99 }, status: { availableReplicas: 1 } },
        "application/merge-patch+json",
      );
      assert.equal(patched.spec.replicas, 3);
      assert.equal(patched.status.availableReplicas, 1);
      assert.equal(patched.metadata.generation, 2);
      const got = await ok("GET", `${DEPLOY}/web/status`);
      assert.equal(got.kind, "Deployment");
      assert.equal(got.status.availableReplicas, 1);
    });

    it("tracks generation only on the kinds kube tracks it on", async (t) => {
      if (!api) return t.skip("no backend");
      const cm = await ok("POST", "/api/v1/namespaces/sub/configmaps", { metadata: { name: "c" }, data: { a: "1" } });
      assert.equal(cm.metadata.generation, undefined);
      const cm2 = await ok("PUT", "/api/v1/namespaces/sub/configmaps/c", { ...cm, data: { a: "2" } });
      assert.equal(cm2.metadata.generation, undefined);
      const svc = await ok("POST", "/api/v1/namespaces/sub/services", {
        metadata: { name: "s" },
        spec: { ports: [{ port: 80 }], selector: labels },
      });
      assert.equal(svc.metadata.generation, undefined);
      const np = await ok("POST", "/apis/networking.k8s.io/v1/namespaces/sub/networkpolicies", {
        metadata: { name: "np" },
        spec: { podSelector: {} },
      });
      assert.equal(np.metadata.generation, 1);
      const np2 = await ok("PUT", "/apis/networking.k8s.io/v1/namespaces/sub/networkpolicies/np", {
        ...np,
        spec: { podSelector: { matchLabels: labels } },
      });
      assert.equal(np2.metadata.generation, 2);
      const eps = await ok("POST", "/apis/discovery.k8s.io/v1/namespaces/sub/endpointslices", {
        metadata: { name: "e" },
        addressType: "IPv4",
        endpoints: [],
      });
      assert.equal(eps.metadata.generation, 1);
      // EndpointSlices count label changes too.
      const eps2 = await ok(
        "PATCH",
        "/apis/discovery.k8s.io/v1/namespaces/sub/endpointslices/e",
        { metadata: { labels: { a: "b" } } },
        "application/merge-patch+json",
      );
      assert.equal(eps2.metadata.generation, 2);
    });

    it("reads and writes replicas through /scale as an autoscaling/v1 Scale", async (t) => {
      if (!api) return t.skip("no backend");
      await ok("POST", DEPLOY, {
        metadata: { name: "scaled" },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels, matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }] },
          template: { ...template, metadata: { labels: { ...labels, tier: "a" } } },
        },
      });
      await ok("PATCH", `${DEPLOY}/scaled/status`, { status: { replicas: 1 } }, "application/merge-patch+json");
      const scale = await ok("GET", `${DEPLOY}/scaled/scale`);
      assert.equal(scale.kind, "Scale");
      assert.equal(scale.apiVersion, "autoscaling/v1");
      assert.equal(scale.metadata.name, "scaled");
      assert.deepEqual(scale.spec, { replicas: 1 });
      assert.deepEqual(scale.status, { replicas: 1, selector: "app=web,tier in (a,b)" });
      const put = await ok("PUT", `${DEPLOY}/scaled/scale`, { ...scale, spec: { replicas: 5 } });
      assert.deepEqual(put.spec, { replicas: 5 });
      const d = await ok("GET", `${DEPLOY}/scaled`);
      assert.equal(d.spec.replicas, 5);
      assert.equal(d.metadata.generation, 2);
      await ok("PATCH", `${DEPLOY}/scaled/scale`, { spec: { replicas: 4 } }, "application/merge-patch+json");
      assert.equal((await ok("GET", `${DEPLOY}/scaled`)).spec.replicas, 4);
      // A stale resourceVersion conflicts; a negative count is invalid.
      const stale = await call("PUT", `${DEPLOY}/scaled/scale`, { ...scale, spec: { replicas: 2 } });
      assert.equal(stale.code, 409);
      const bad = await call("PUT", `${DEPLOY}/scaled/scale`, {
        kind: "Scale",
        metadata: { name: "scaled" },
        spec: { replicas: -1 },
      });
      assert.equal(bad.code, 422);
      assert.equal(
        bad.body.message,
        'Scale.autoscaling "scaled" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      );
      // ReplicationControllers select with a plain map.
      await ok("POST", "/api/v1/namespaces/sub/replicationcontrollers", {
        metadata: { name: "rc" },
        spec: {
          replicas: 2,
          selector: { b: "2", a: "1" },
          template: { ...template, metadata: { labels: { a: "1", b: "2" } } },
        },
      });
      const rcScale = await ok("GET", "/api/v1/namespaces/sub/replicationcontrollers/rc/scale");
      assert.deepEqual(rcScale.status, { replicas: 0, selector: "a=1,b=2" });
      if (KUBECTL) {
        const out = await run(KUBECTL, [
          `--kubeconfig=${kubeconfig}`,
          "-n",
          "sub",
          "scale",
          "deployment/scaled",
          "--replicas=3",
        ]);
        assert.equal(out.stdout.trim(), "deployment.apps/scaled scaled");
        assert.equal((await ok("GET", `${DEPLOY}/scaled`)).spec.replicas, 3);
      }
      // Kinds without a scale subresource have none.
      assert.equal((await call("GET", "/apis/apps/v1/namespaces/sub/daemonsets/x/scale")).code, 404);
    });

    it("binds a pod to a node once, then answers 409", async (t) => {
      if (!api) return t.skip("no backend");
      const pod = { spec: { containers: [{ name: "c", image: "nginx" }] } };
      const created = await ok("POST", "/api/v1/namespaces/sub/pods", { metadata: { name: "p1" }, ...pod });
      assert.equal(created.status.phase, "Pending");
      assert.equal(created.status.qosClass, "BestEffort");
      const bound = await call("POST", "/api/v1/namespaces/sub/pods/p1/binding", {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: "p1", annotations: { "scheduler/why": "test" } },
        target: { apiVersion: "v1", kind: "Node", name: "node-1" },
      });
      assert.equal(bound.code, 201);
      assert.deepEqual(bound.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
      const p = await ok("GET", "/api/v1/namespaces/sub/pods/p1");
      assert.equal(p.spec.nodeName, "node-1");
      assert.equal(p.metadata.annotations["scheduler/why"], "test");
      assert.equal(p.status.conditions.find((c: Json) => c.type === "PodScheduled").status, "True");
      const again = await call("POST", "/api/v1/namespaces/sub/pods/p1/binding", {
        metadata: { name: "p1" },
        target: { name: "node-2" },
      });
      assert.equal(again.code, 409);
      assert.equal(again.body.reason, "Conflict");
      assert.equal(
        again.body.message,
        'Operation cannot be fulfilled on pods/binding "p1": pod p1 is already assigned to node "node-1"',
      );
      assert.equal((await ok("GET", "/api/v1/namespaces/sub/pods/p1")).spec.nodeName, "node-1");
      // The bindings resource does the same with the pod named in the body.
      await ok("POST", "/api/v1/namespaces/sub/pods", { metadata: { name: "p2" }, ...pod });
      const viaBindings = await call("POST", "/api/v1/namespaces/sub/bindings", {
        metadata: { name: "p2" },
        target: { name: "node-2" },
      });
      assert.equal(viaBindings.code, 201);
      assert.equal((await ok("GET", "/api/v1/namespaces/sub/pods/p2")).spec.nodeName, "node-2");
      const mismatch = await call("POST", "/api/v1/namespaces/sub/pods/p2/binding", {
        metadata: { name: "other" },
        target: { name: "n" },
      });
      assert.equal(mismatch.code, 400);
      assert.equal(mismatch.body.message, "name in URL does not match name in Binding object");
      assert.equal(
        (
          await call("POST", "/api/v1/namespaces/sub/pods/none/binding", {
            metadata: { name: "none" },
            target: { name: "n" },
          })
        ).code,
        404,
      );
    });

    it("evicts pods through pods/eviction as kube does: at once when nothing is disrupted, else within the budget", async (t) => {
      if (!api) return t.skip("no backend");
      // A namespace of its own: the pods and budgets left here must not meet the other tests' selectors.
      await ok("POST", "/api/v1/namespaces", { metadata: { name: "evict" } });
      const PODS = "/api/v1/namespaces/evict/pods";
      const PDBS = "/apis/policy/v1/namespaces/evict/poddisruptionbudgets";
      const evict = (name: string, extra: Json = {}, query = "") =>
        call("POST", `${PODS}/${name}/eviction${query}`, {
          apiVersion: "policy/v1",
          kind: "Eviction",
          metadata: { name },
          ...extra,
        });
      const exists = async (name: string) => (await call("GET", `${PODS}/${name}`)).code === 200;
      /** A pod of `app`, Running, and Ready unless told. */
      const pod = async (name: string, app: string, ready = true) => {
        const created = await ok("POST", PODS, {
          metadata: { name, labels: { app } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        });
        await ok("PUT", `${PODS}/${name}/status`, {
          ...created,
          status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
        });
      };
      const success = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };

      // No budget: the pod goes at once.
      await pod("free", "free");
      assert.deepEqual(await evict("free"), { code: 201, body: success });
      assert.equal(await exists("free"), false);
      // The name in the body must be the URL's.
      await pod("named", "free");
      const mismatch = await call("POST", `${PODS}/named/eviction`, {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: "other" },
      });
      assert.equal(mismatch.code, 400);
      assert.equal(mismatch.body.message, "name in URL does not match name in Eviction object");

      // A budget the disruption controller has not processed (there is none here): 429, retry in 10 s.
      const pdb = await ok("POST", PDBS, {
        metadata: { name: "guard" },
        spec: { minAvailable: 1, selector: { matchLabels: { app: "db" } } },
      });
      await pod("db-0", "db");
      await pod("db-1", "db");
      const raw = await adminRequest(
        api.url,
        "POST",
        `${PODS}/db-0/eviction`,
        { "content-type": "application/json" },
        JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "db-0" } }),
      );
      assert.equal(raw.code, 429);
      assert.equal(raw.headers["retry-after"], "10");
      assert.deepEqual(JSON.parse(raw.body.toString()), {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        reason: "TooManyRequests",
        details: {
          causes: [
            {
              reason: "DisruptionBudget",
              message: "The disruption budget guard is still being processed by the server.",
            },
          ],
          retryAfterSeconds: 10,
        },
        code: 429,
      });
      assert.equal(await exists("db-0"), true);

      // With one disruption allowed: a dry run changes nothing, then the eviction takes it.
      await ok("PUT", `${PDBS}/guard/status`, {
        ...pdb,
        status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 },
      });
      assert.deepEqual(await evict("db-0", {}, "?dryRun=All"), { code: 201, body: success });
      assert.equal(await exists("db-0"), true);
      assert.equal((await ok("GET", `${PDBS}/guard`)).status.disruptionsAllowed, 1);
      assert.deepEqual(await evict("db-0"), { code: 201, body: success });
      assert.equal(await exists("db-0"), false);
      const taken = (await ok("GET", `${PDBS}/guard`)).status;
      assert.equal(taken.disruptionsAllowed, 0);
      assert.deepEqual(Object.keys(taken.disruptedPods), ["db-0"]);
      assert.deepEqual(
        taken.conditions.map((c: Json) => [c.type, c.status, c.reason]),
        [["DisruptionAllowed", "False", "InsufficientPods"]],
      );
      // None left: 429 with the budget's numbers, and no Retry-After.
      const refused = await evict("db-1");
      assert.equal(refused.code, 429);
      assert.deepEqual(refused.body.details, {
        causes: [
          {
            reason: "DisruptionBudget",
            message: "The disruption budget guard needs 1 healthy pods and has 2 currently",
          },
        ],
      });
      assert.equal(await exists("db-1"), true);

      // An unready pod costs nothing when the budget says AlwaysAllow; a pending one is never guarded.
      await ok("POST", PDBS, {
        metadata: { name: "loose" },
        spec: {
          maxUnavailable: 0,
          selector: { matchLabels: { app: "web" } },
          unhealthyPodEvictionPolicy: "AlwaysAllow",
        },
      });
      await pod("web-0", "web", false);
      assert.deepEqual(await evict("web-0"), { code: 201, body: success });
      assert.equal(await exists("web-0"), false);
      await ok("POST", PODS, {
        metadata: { name: "db-new", labels: { app: "db" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      });
      assert.deepEqual(await evict("db-new"), { code: 201, body: success });

      // Two budgets over one pod: kube's 201 carrying a Failure Status with code 500.
      await ok("POST", PDBS, {
        metadata: { name: "guard-2" },
        spec: { minAvailable: 1, selector: { matchLabels: { app: "db" } } },
      });
      assert.deepEqual(await evict("db-1"), {
        code: 201,
        body: {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
          code: 500,
        },
      });
      assert.equal(await exists("db-1"), true);
      assert.equal(
        (
          await call("POST", `${PODS}/missing/eviction`, {
            apiVersion: "policy/v1",
            kind: "Eviction",
            metadata: { name: "missing" },
          })
        ).code,
        404,
      );
    });

    it("serves nodes/status, namespaces/status and namespaces/finalize", async (t) => {
      if (!api) return t.skip("no backend");
      const node = await ok("POST", "/api/v1/nodes", {
        metadata: { name: "n1" },
        spec: { podCIDR: "10.0.0.0/24" },
        status: { capacity: { cpu: "4" } },
      });
      // The kubelet registers with a status: create keeps it.
      assert.deepEqual(node.status.capacity, { cpu: "4" });
      const ns1 = await ok("PUT", "/api/v1/nodes/n1/status", {
        ...node,
        spec: { podCIDR: "10.9.9.0/24" },
        status: { capacity: { cpu: "8" } },
      });
      assert.equal(ns1.spec.podCIDR, "10.0.0.0/24");
      assert.deepEqual(ns1.status.capacity, { cpu: "8" });
      const ns = await ok("GET", "/api/v1/namespaces/sub");
      // A main update cannot change finalizers or status.
      const upd = await ok("PUT", "/api/v1/namespaces/sub", {
        ...ns,
        spec: { finalizers: [] },
        status: { phase: "Terminating" },
      });
      assert.deepEqual(upd.spec.finalizers, ["kubernetes"]);
      assert.equal(upd.status.phase, "Active");
      const fin = await ok("PUT", "/api/v1/namespaces/sub/finalize", {
        ...upd,
        spec: { finalizers: [] },
        status: { phase: "Terminating" },
      });
      assert.deepEqual(fin.spec.finalizers ?? [], []);
      assert.equal(fin.status.phase, "Active");
      const st = await ok("PUT", "/api/v1/namespaces/sub/status", {
        ...fin,
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active", conditions: [] },
      });
      assert.deepEqual(st.spec.finalizers ?? [], []);
      assert.deepEqual(st.status.conditions, []);
      assert.equal((await call("GET", "/api/v1/namespaces/sub/finalize")).code, 405);
    });

    it("selects by each kind's supported fields and refuses the others with 400", async (t) => {
      if (!api) return t.skip("no backend");
      const names = async (path: string, selector: string) => {
        const r = await ok("GET", `${path}?fieldSelector=${encodeURIComponent(selector)}`);
        return r.items.map((i: Json) => i.metadata.name).sort();
      };
      const pods = "/api/v1/namespaces/sub/pods";
      await ok("POST", pods, {
        metadata: { name: "hostnet" },
        spec: { hostNetwork: true, restartPolicy: "Never", containers: [{ name: "c", image: "x" }] },
      });
      assert.deepEqual(await names(pods, "spec.nodeName=node-1"), ["p1"]);
      assert.deepEqual(await names(pods, "spec.nodeName="), ["hostnet"]);
      assert.deepEqual(await names(pods, "spec.hostNetwork=true"), ["hostnet"]);
      assert.deepEqual(await names(pods, "spec.hostNetwork=false,status.phase=Pending"), ["p1", "p2"]);
      assert.deepEqual(await names(pods, "spec.restartPolicy=Never"), ["hostnet"]);
      assert.deepEqual(await names(pods, "metadata.name!=p1,spec.nodeName!="), ["p2"]);
      const unsupported = await call("GET", `${pods}?fieldSelector=spec.containers=x`);
      assert.equal(unsupported.code, 400);
      assert.equal(unsupported.body.reason, "BadRequest");
      assert.equal(unsupported.body.message, "field label not supported: spec.containers");
      // Watches refuse them too.
      assert.equal((await call("GET", `${pods}?watch=true&fieldSelector=spec.foo%3Dx`)).code, 400);
      assert.deepEqual(await names("/api/v1/nodes", "spec.unschedulable=false"), ["n1"]);
      assert.equal((await call("GET", "/api/v1/nodes?fieldSelector=metadata.namespace%3Dx")).code, 400);
      assert.deepEqual(await names("/api/v1/namespaces", "status.phase=Active,metadata.name=sub"), ["sub"]);
      await ok("POST", "/api/v1/namespaces/sub/secrets", {
        metadata: { name: "tls" },
        type: "example.com/custom",
        data: {},
      });
      await ok("POST", "/api/v1/namespaces/sub/secrets", { metadata: { name: "plain" }, type: "Opaque" });
      assert.deepEqual(await names("/api/v1/namespaces/sub/secrets", "type=example.com/custom"), ["tls"]);
      await ok("POST", "/api/v1/namespaces/sub/events", {
        metadata: { name: "e1" },
        involvedObject: { kind: "Pod", name: "p1", namespace: "sub" },
        reason: "Scheduled",
        type: "Normal",
        source: { component: "scheduler" },
        reportingComponent: "scheduler",
      });
      assert.deepEqual(await names("/api/v1/namespaces/sub/events", "involvedObject.name=p1,source=scheduler"), ["e1"]);
      assert.deepEqual(
        await names("/api/v1/namespaces/sub/events", "reason=Scheduled,type=Normal,reportingComponent=scheduler"),
        ["e1"],
      );
      assert.deepEqual(
        await names("/apis/events.k8s.io/v1/namespaces/sub/events", "regarding.name=p1,reportingController=scheduler"),
        ["e1"],
      );
      assert.equal(
        (await call("GET", "/apis/events.k8s.io/v1/namespaces/sub/events?fieldSelector=involvedObject.name%3Dp1")).code,
        400,
      );
      assert.deepEqual(await names("/apis/apps/v1/namespaces/sub/replicasets", "status.replicas=0"), []);
      await ok("POST", "/apis/apps/v1/namespaces/sub/replicasets", {
        metadata: { name: "rs" },
        spec: { selector: { matchLabels: labels }, template },
      });
      assert.deepEqual(await names("/apis/apps/v1/namespaces/sub/replicasets", "status.replicas=0"), ["rs"]);
      assert.deepEqual(await names("/api/v1/namespaces/sub/replicationcontrollers", "status.replicas=0"), ["rc"]);
      await ok("POST", "/apis/batch/v1/namespaces/sub/jobs", {
        metadata: { name: "j" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "x" }] } } },
      });
      assert.deepEqual(await names("/apis/batch/v1/namespaces/sub/jobs", "status.successful=0"), ["j"]);
      assert.equal(
        (await call("GET", "/apis/apps/v1/namespaces/sub/deployments?fieldSelector=status.replicas%3D0")).code,
        400,
      );
      if (KUBECTL) {
        const out = await run(KUBECTL, [
          `--kubeconfig=${kubeconfig}`,
          "-n",
          "sub",
          "get",
          "pods",
          "--field-selector=spec.nodeName=node-2",
          "-o",
          "name",
        ]);
        assert.equal(out.stdout.trim(), "pod/p2");
      }
    });
  });
}

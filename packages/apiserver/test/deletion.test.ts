import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCD_BIN, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { ADMIN_TOKEN, adminJson, startAdminServer } from "./support/local-server.js";

const run = promisify(execFile);

// Deletion as kube-apiserver 1.28 does it: DeleteOptions, preconditions,
// finalizers, the garbage collector's finalizers, graceful deletion of pods,
// deletecollection and dry run, through REST and kubectl, on etcd and brain.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;
interface Reply {
  code: number;
  body: Json;
}

const NS = "del";
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const PODS = `/api/v1/namespaces/${NS}/pods`;
const pod = (name: string, spec: Json = {}) => ({
  metadata: { name },
  spec: { containers: [{ name: "c", image: "nginx" }], ...spec },
});

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: deletion`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-deletion-");
    const kubeconfig = join(dir.path, "kubeconfig");

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      await ok("POST", "/api/v1/namespaces", { metadata: { name: NS } });
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
    const gone = async (path: string) => assert.equal((await call("GET", path)).code, 404, `${path} is gone`);

    /** Starts a watch and collects its events until `count` arrived. */
    const watch = (path: string, count: number) => {
      const events: Json[] = [];
      let done: () => void;
      const finished = new Promise<void>((r) => {
        done = r;
      });
      let started: () => void;
      const ready = new Promise<void>((r) => {
        started = r;
      });
      const req = request(
        `${api!.url}${path}`,
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, rejectUnauthorized: false },
        (res) => {
          started();
          let buf = "";
          res.on("data", (c) => {
            buf += c;
            for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
              events.push(JSON.parse(buf.slice(0, i)));
              buf = buf.slice(i + 1);
              if (events.length >= count) done();
            }
          });
        },
      );
      req.end();
      return {
        ready,
        events: async () => {
          await Promise.race([finished, new Promise((r) => setTimeout(r, 10_000))]);
          req.destroy();
          return events;
        },
      };
    };

    const kubectl = async (...args: string[]) => {
      const r = await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, ...args]);
      return r.stdout.trim();
    };

    it("keeps an object with finalizers Terminating until the last one is removed; watchers see MODIFIED then DELETED", async (t) => {
      if (!api) return t.skip("no backend");
      const created = await ok("POST", CM, {
        metadata: { name: "held", finalizers: ["example.com/hold"], labels: { a: "b" } },
        data: { k: "v" },
      });
      const w = watch(
        `${CM}?watch=true&fieldSelector=metadata.name%3Dheld&resourceVersion=${created.metadata.resourceVersion}`,
        3,
      );
      await w.ready;
      const del = await call("DELETE", `${CM}/held`);
      // kube answers 200 with the object as it now is: marked, not gone.
      assert.equal(del.code, 200);
      assert.equal(del.body.kind, "ConfigMap");
      assert.ok(del.body.metadata.deletionTimestamp);
      assert.equal(del.body.metadata.deletionGracePeriodSeconds, 0);
      assert.deepEqual(del.body.metadata.finalizers, ["example.com/hold"]);
      const held = await ok("GET", `${CM}/held`);
      assert.equal(held.metadata.deletionTimestamp, del.body.metadata.deletionTimestamp);

      // Deleting again changes nothing and still answers with the object.
      const again = await call("DELETE", `${CM}/held`);
      assert.equal(again.code, 200);
      assert.equal(again.body.metadata.resourceVersion, held.metadata.resourceVersion);

      // No finalizer may be added now, and the deletion fields are the server's.
      const add = await call("PUT", `${CM}/held`, {
        ...held,
        metadata: { ...held.metadata, finalizers: ["example.com/hold", "example.com/late"] },
      });
      assert.equal(add.code, 422);
      assert.equal(
        add.body.message,
        'ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/late"}',
      );
      const grace = await call("PUT", `${CM}/held`, {
        ...held,
        metadata: { ...held.metadata, deletionGracePeriodSeconds: 30 },
      });
      assert.equal(grace.code, 422);
      assert.equal(
        grace.body.message,
        'ConfigMap "held" is invalid: metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
      );
      const cleared = await ok("PUT", `${CM}/held`, {
        ...held,
        metadata: { ...held.metadata, deletionTimestamp: undefined, labels: { a: "c" } },
      });
      assert.equal(cleared.metadata.deletionTimestamp, held.metadata.deletionTimestamp);
      assert.equal(cleared.metadata.labels.a, "c");

      // Removing the last finalizer deletes it; the update answers with the object.
      const last = await ok("PUT", `${CM}/held`, { ...cleared, metadata: { ...cleared.metadata, finalizers: [] } });
      assert.equal(last.metadata.name, "held");
      await gone(`${CM}/held`);
      const events = await w.events();
      assert.deepEqual(
        events.map((e) => e.type),
        ["MODIFIED", "MODIFIED", "DELETED"],
      );
      assert.ok(events[0].object.metadata.deletionTimestamp);
      assert.equal(events[1].object.metadata.labels.a, "c");
    });

    it("refuses a new object the deletion fields, and bad delete options with kube's texts", async (t) => {
      if (!api) return t.skip("no backend");
      const cm = await ok("POST", CM, { metadata: { name: "opts" } });
      const setTs = await call("PUT", `${CM}/opts`, {
        ...cm,
        metadata: { ...cm.metadata, deletionTimestamp: "2030-01-02T03:04:05Z" },
      });
      assert.equal(setTs.code, 422);
      assert.equal(
        setTs.body.message,
        'ConfigMap "opts" is invalid: metadata.deletionTimestamp: Invalid value: 2030-01-02 03:04:05 +0000 UTC: field is immutable',
      );
      const policy = await call("DELETE", `${CM}/opts`, { propagationPolicy: "Sideways" });
      assert.equal(policy.code, 422);
      assert.equal(policy.body.reason, "Invalid");
      assert.equal(
        policy.body.message,
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
      );
      const both = await call("DELETE", `${CM}/opts?orphanDependents=false&propagationPolicy=Orphan`);
      assert.equal(both.code, 422);
      assert.equal(
        both.body.message,
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
      );
      const dry = await call("DELETE", `${CM}/opts?dryRun=Some`);
      assert.equal(dry.code, 422);
      assert.equal(
        dry.body.message,
        'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"',
      );
      const bad = await call("DELETE", `${CM}/opts?gracePeriodSeconds=soon`);
      assert.equal(bad.code, 400);
      assert.equal(bad.body.message, 'strconv.ParseInt: parsing "soon": invalid syntax');
      const kind = await call("DELETE", `${CM}/opts`, { apiVersion: "v1", kind: "Pod" });
      assert.equal(kind.code, 500);
      assert.match(kind.body.message, /^no kind "Pod" is registered for version "v1"/);
      // Nothing was deleted by the refused requests.
      assert.equal((await ok("GET", `${CM}/opts`)).metadata.uid, cm.metadata.uid);
      // DeleteOptions in any apiVersion kube accepts, from the body.
      for (const apiVersion of ["meta.k8s.io/v1", "v1", "apps/v1"]) {
        await ok("POST", CM, { metadata: { name: `v-${apiVersion.replace(/[./]/g, "-")}` } });
        const r = await call("DELETE", `${CM}/v-${apiVersion.replace(/[./]/g, "-")}`, {
          apiVersion,
          kind: "DeleteOptions",
          propagationPolicy: "Background",
        });
        assert.equal(r.code, 200, apiVersion);
        assert.equal(r.body.status, "Success");
      }
    });

    it("enforces uid and resourceVersion preconditions with 409", async (t) => {
      if (!api) return t.skip("no backend");
      const cm = await ok("POST", CM, { metadata: { name: "pre" } });
      const uid = await call("DELETE", `${CM}/pre`, { preconditions: { uid: "not-the-uid" } });
      assert.equal(uid.code, 409);
      assert.equal(uid.body.reason, "Conflict");
      assert.equal(
        uid.body.message,
        `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (not-the-uid) does not match the UID in record (${cm.metadata.uid}). The object might have been deleted and then recreated`,
      );
      const rv = await call("DELETE", `${CM}/pre`, { preconditions: { resourceVersion: "1" } });
      assert.equal(rv.code, 409);
      assert.equal(
        rv.body.message,
        `Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${cm.metadata.resourceVersion}). The object might have been modified`,
      );
      await ok("GET", `${CM}/pre`);
      const done = await call("DELETE", `${CM}/pre`, {
        preconditions: { uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion },
      });
      assert.equal(done.code, 200);
      assert.deepEqual(done.body, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        details: { name: "pre", kind: "configmaps", uid: cm.metadata.uid },
      });
      await gone(`${CM}/pre`);
      // Namespaces check theirs in their own storage, with its own text.
      await ok("POST", "/api/v1/namespaces", { metadata: { name: "pre-ns" } });
      const ns = await call("DELETE", "/api/v1/namespaces/pre-ns", { preconditions: { uid: "x" } });
      assert.equal(ns.code, 409);
      assert.match(
        ns.body.message,
        /^Operation cannot be fulfilled on namespaces "pre-ns": Precondition failed: UID in precondition: x, UID in object meta: [0-9a-f-]{36}$/,
      );
      assert.equal((await ok("GET", "/api/v1/namespaces/pre-ns")).status.phase, "Active");
    });

    it("adds the orphan and foregroundDeletion finalizers as the propagation policy and resource default say", async (t) => {
      if (!api) return t.skip("no backend");
      await ok("POST", CM, { metadata: { name: "orphan" } });
      const orphan = await call("DELETE", `${CM}/orphan`, { propagationPolicy: "Orphan" });
      assert.equal(orphan.code, 200);
      assert.deepEqual(orphan.body.metadata.finalizers, ["orphan"]);
      assert.ok(orphan.body.metadata.deletionTimestamp);
      await ok("POST", CM, { metadata: { name: "fg", finalizers: ["example.com/x"] } });
      const fg = await call("DELETE", `${CM}/fg?propagationPolicy=Foreground`);
      assert.deepEqual(fg.body.metadata.finalizers, ["example.com/x", "foregroundDeletion"]);
      await ok("POST", CM, { metadata: { name: "legacy" } });
      // orphanDependents=false on an object that stays: 202 Accepted.
      const legacy = await call("DELETE", `${CM}/legacy`, { orphanDependents: false, propagationPolicy: undefined });
      assert.equal(legacy.code, 200, "nothing to wait for: deleted at once");
      await gone(`${CM}/legacy`);
      await ok("POST", CM, { metadata: { name: "legacy2", finalizers: ["example.com/x"] } });
      const accepted = await call("DELETE", `${CM}/legacy2?orphanDependents=false`);
      assert.equal(accepted.code, 202);
      assert.deepEqual(accepted.body.metadata.finalizers, ["example.com/x"]);
      // A later Background delete takes the orphan finalizer away again, and with nothing left, the object.
      const bg = await call("DELETE", `${CM}/orphan`, { propagationPolicy: "Background" });
      assert.equal(bg.code, 200);
      assert.equal(bg.body.status, "Success");
      await gone(`${CM}/orphan`);
      // ReplicationControllers in v1 orphan by default; Deployments do not.
      const rc = {
        metadata: { name: "rc" },
        spec: {
          replicas: 0,
          selector: { app: "rc" },
          template: { metadata: { labels: { app: "rc" } }, spec: pod("x").spec },
        },
      };
      await ok("POST", `/api/v1/namespaces/${NS}/replicationcontrollers`, rc);
      const rcDel = await call("DELETE", `/api/v1/namespaces/${NS}/replicationcontrollers/rc`);
      assert.deepEqual(rcDel.body.metadata.finalizers, ["orphan"]);
      assert.equal(rcDel.body.metadata.generation, 2, "the first deletion mark bumps generation");
      const deploy = `/apis/apps/v1/namespaces/${NS}/deployments`;
      await ok("POST", deploy, {
        metadata: { name: "d" },
        spec: {
          selector: { matchLabels: { app: "d" } },
          template: { metadata: { labels: { app: "d" } }, spec: pod("x").spec },
        },
      });
      const dDel = await call("DELETE", `${deploy}/d`);
      assert.equal(dDel.body.kind, "Status");
      await gone(`${deploy}/d`);
    });

    it("deletes bound pods gracefully, unbound and finished pods at once", async (t) => {
      if (!api) return t.skip("no backend");
      await ok("POST", PODS, pod("bound", { nodeName: "node-1" }));
      const before = Date.now();
      const first = await call("DELETE", `${PODS}/bound`);
      assert.equal(first.code, 200);
      assert.equal(first.body.kind, "Pod");
      assert.equal(first.body.metadata.deletionGracePeriodSeconds, 30, "terminationGracePeriodSeconds' default");
      const ts = Date.parse(first.body.metadata.deletionTimestamp);
      assert.ok(ts >= Math.floor(before / 1000) * 1000 + 29_000 && ts <= Date.now() + 31_000, "now + 30 s");
      assert.equal((await ok("GET", `${PODS}/bound`)).metadata.deletionGracePeriodSeconds, 30);
      // A shorter grace period moves the deadline closer; a longer one changes nothing.
      const shorter = await ok("DELETE", `${PODS}/bound`, { gracePeriodSeconds: 10 });
      assert.equal(shorter.metadata.deletionGracePeriodSeconds, 10);
      assert.equal(Date.parse(shorter.metadata.deletionTimestamp), ts - 20_000);
      const longer = await ok("DELETE", `${PODS}/bound`, { gracePeriodSeconds: 20 });
      assert.equal(longer.metadata.deletionGracePeriodSeconds, 10);
      assert.equal(longer.metadata.resourceVersion, shorter.metadata.resourceVersion);
      // Grace 0 deletes it now, and the answer is the pod (pods return the deleted object).
      const now = await call("DELETE", `${PODS}/bound?gracePeriodSeconds=0`);
      assert.equal(now.code, 200);
      assert.equal(now.body.kind, "Pod");
      assert.equal(now.body.metadata.deletionGracePeriodSeconds, 0);
      await gone(`${PODS}/bound`);

      await ok("POST", PODS, pod("unbound"));
      const unbound = await call("DELETE", `${PODS}/unbound?gracePeriodSeconds=60`);
      assert.equal(unbound.code, 200);
      assert.equal(unbound.body.metadata.name, "unbound");
      await gone(`${PODS}/unbound`);

      const done = await ok("POST", PODS, pod("done", { nodeName: "node-1" }));
      await ok("PUT", `${PODS}/done/status`, { ...done, status: { ...done.status, phase: "Succeeded" } });
      await ok("DELETE", `${PODS}/done`);
      await gone(`${PODS}/done`);

      // A bound pod with a finalizer: grace 0 marks it; it goes when the finalizer does.
      await ok("POST", PODS, {
        ...pod("kept", { nodeName: "node-1" }),
        metadata: { name: "kept", finalizers: ["example.com/x"] },
      });
      const kept = await ok("DELETE", `${PODS}/kept?gracePeriodSeconds=0`);
      assert.equal(kept.metadata.deletionGracePeriodSeconds, 0);
      const stored = await ok("GET", `${PODS}/kept`);
      await ok("PUT", `${PODS}/kept`, { ...stored, metadata: { ...stored.metadata, finalizers: null } });
      await gone(`${PODS}/kept`);
    });

    it("deletes exactly the collection a label selector picks and answers with it", async (t) => {
      if (!api) return t.skip("no backend");
      for (const [name, app] of [
        ["c1", "a"],
        ["c2", "a"],
        ["c3", "a"],
        ["c4", "b"],
        ["c5", "b"],
      ]) {
        await ok("POST", CM, { metadata: { name: name!, labels: { coll: app! } } });
      }
      const r = await call("DELETE", `${CM}?labelSelector=coll%3Da`);
      assert.equal(r.code, 200);
      assert.equal(r.body.kind, "ConfigMapList");
      assert.deepEqual(r.body.items.map((i: Json) => i.metadata.name).sort(), ["c1", "c2", "c3"]);
      const left = await ok("GET", `${CM}?labelSelector=coll`);
      assert.deepEqual(left.items.map((i: Json) => i.metadata.name).sort(), ["c4", "c5"]);
      // Options apply per item: Orphan marks what it lists, leaving it in place.
      const marked = await ok("DELETE", `${CM}?labelSelector=coll%3Db`, { propagationPolicy: "Orphan" });
      assert.equal(marked.items.length, 2);
      for (const n of ["c4", "c5"]) assert.deepEqual((await ok("GET", `${CM}/${n}`)).metadata.finalizers, ["orphan"]);
      // Resources without deletecollection, and collections across namespaces, have no such route.
      for (const path of ["/api/v1/namespaces", "/api/v1/configmaps"]) {
        const no = await call("DELETE", path);
        assert.equal(no.code, 405, path);
        assert.deepEqual(no.body, {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: "the server does not allow this method on the requested resource",
          reason: "MethodNotAllowed",
          details: {},
          code: 405,
        });
      }
    });

    it("changes nothing on dryRun=All", async (t) => {
      if (!api) return t.skip("no backend");
      const cm = await ok("POST", CM, { metadata: { name: "dry", labels: { dry: "y" } } });
      const fin = await ok("POST", CM, {
        metadata: { name: "dry-fin", finalizers: ["example.com/x"], labels: { dry: "y" } },
      });
      await ok("POST", PODS, pod("dry-pod", { nodeName: "node-1" }));
      const r = await call("DELETE", `${CM}/dry?dryRun=All`);
      assert.equal(r.code, 200);
      assert.equal(r.body.status, "Success");
      const marked = await ok("DELETE", `${CM}/dry-fin`, { dryRun: ["All"] });
      assert.ok(marked.metadata.deletionTimestamp, "the answer shows what would happen");
      const p = await ok("DELETE", `${PODS}/dry-pod?dryRun=All`);
      assert.equal(p.metadata.deletionGracePeriodSeconds, 30);
      const coll = await ok("DELETE", `${CM}?labelSelector=dry%3Dy&dryRun=All`);
      assert.equal(coll.items.length, 2);
      assert.equal((await ok("GET", `${CM}/dry`)).metadata.resourceVersion, cm.metadata.resourceVersion);
      const stillFin = await ok("GET", `${CM}/dry-fin`);
      assert.equal(stillFin.metadata.resourceVersion, fin.metadata.resourceVersion);
      assert.equal(stillFin.metadata.deletionTimestamp, undefined);
      assert.equal((await ok("GET", `${PODS}/dry-pod`)).metadata.deletionTimestamp, undefined);
      const ns = await ok("DELETE", "/api/v1/namespaces/del?dryRun=All");
      assert.equal(ns.status.phase, "Terminating");
      assert.equal((await ok("GET", "/api/v1/namespaces/del")).status.phase, "Active");
    });

    it("serves kubectl delete: finalizers, --wait, --cascade, --grace-period, --now, --force, -l and --all", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL) return t.skip("no kubectl");
      await kubectl("create", "namespace", "kd");
      await ok("POST", "/api/v1/namespaces/kd/configmaps", {
        metadata: { name: "fin", finalizers: ["example.com/x"] },
      });
      assert.equal(await kubectl("-n", "kd", "delete", "configmap", "fin", "--wait=false"), 'configmap "fin" deleted');
      const terminating = JSON.parse(await kubectl("-n", "kd", "get", "configmap", "fin", "-o", "json"));
      assert.ok(terminating.metadata.deletionTimestamp);
      // --wait (the default) returns once the finalizer is gone.
      const waiting = spawn(KUBECTL, [
        `--kubeconfig=${kubeconfig}`,
        "-n",
        "kd",
        "delete",
        "configmap",
        "fin",
        "--timeout=20s",
      ]);
      let out = "";
      waiting.stdout.on("data", (c) => {
        out += c;
      });
      const exited = new Promise<number>((r) => waiting.on("exit", (code) => r(code ?? -1)));
      let finished = false;
      void exited.then(() => {
        finished = true;
      });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(finished, false, "kubectl waits while the finalizer is there");
      await kubectl("-n", "kd", "patch", "configmap", "fin", "--type=merge", "-p", '{"metadata":{"finalizers":null}}');
      assert.equal(await exited, 0);
      assert.match(out, /configmap "fin" deleted/);
      await gone("/api/v1/namespaces/kd/configmaps/fin");

      await kubectl("-n", "kd", "create", "configmap", "orph");
      await kubectl("-n", "kd", "delete", "configmap", "orph", "--cascade=orphan", "--wait=false");
      assert.deepEqual(
        JSON.parse(await kubectl("-n", "kd", "get", "configmap", "orph", "-o", "json")).metadata.finalizers,
        ["orphan"],
      );
      await kubectl("-n", "kd", "create", "configmap", "fore");
      await kubectl("-n", "kd", "delete", "configmap", "fore", "--cascade=foreground", "--wait=false");
      assert.deepEqual(
        JSON.parse(await kubectl("-n", "kd", "get", "configmap", "fore", "-o", "json")).metadata.finalizers,
        ["foregroundDeletion"],
      );
      // Background (kubectl's default) takes the GC finalizers away again.
      await kubectl("-n", "kd", "delete", "configmap", "orph", "fore", "--cascade=background");
      await gone("/api/v1/namespaces/kd/configmaps/orph");

      for (const name of ["p1", "p2", "p3"]) {
        await ok("POST", "/api/v1/namespaces/kd/pods", pod(name, { nodeName: "node-1" }));
      }
      await kubectl("-n", "kd", "delete", "pod", "p1", "--grace-period=45", "--wait=false");
      assert.equal((await ok("GET", "/api/v1/namespaces/kd/pods/p1")).metadata.deletionGracePeriodSeconds, 45);
      await kubectl("-n", "kd", "delete", "pod", "p2", "--now", "--wait=false");
      assert.equal((await ok("GET", "/api/v1/namespaces/kd/pods/p2")).metadata.deletionGracePeriodSeconds, 1);
      await kubectl("-n", "kd", "delete", "pod", "p3", "--grace-period=0", "--force");
      await gone("/api/v1/namespaces/kd/pods/p3");

      for (const [name, tier] of [
        ["l1", "x"],
        ["l2", "x"],
        ["l3", "y"],
      ]) {
        await kubectl("-n", "kd", "create", "configmap", name!);
        await kubectl("-n", "kd", "label", "configmap", name!, `tier=${tier}`);
      }
      assert.match(
        await kubectl("-n", "kd", "delete", "configmap", "-l", "tier=x"),
        /configmap "l1" deleted\nconfigmap "l2" deleted/,
      );
      await gone("/api/v1/namespaces/kd/configmaps/l1");
      await ok("GET", "/api/v1/namespaces/kd/configmaps/l3");
      await kubectl("-n", "kd", "delete", "configmap", "--all");
      const rest = await ok("GET", "/api/v1/namespaces/kd/configmaps");
      assert.deepEqual(
        rest.items.map((i: Json) => i.metadata.name),
        [],
      );
    });
  });
}

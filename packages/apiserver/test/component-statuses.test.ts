import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:https";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { selfSignedCertificate } from "@wharf/pki";
import { ETCD_BIN, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { adminJson, adminRequest, startAdminServer } from "./support/local-server.js";

// core/v1 componentstatuses as kube-apiserver 1.28 serves them: get and list
// only, never stored, every request warned as deprecated, the scheduler and
// controller-manager probed on https://127.0.0.1:10259 and :10257 /healthz
// and etcd through the storage backend. A local HTTPS server stands in for
// the scheduler; nothing listens on the controller-manager's port.

const run = promisify(execFile);
const DEPRECATION = '299 - "v1 ComponentStatus is deprecated in v1.19+"';
const REFUSED = 'Get "https://127.0.0.1:10257/healthz": dial tcp 127.0.0.1:10257: connect: connection refused';

/** A stand-in kube-scheduler on its default secure port; undefined if the port is taken. */
async function fakeScheduler(answer: { code: number; body: string }): Promise<Server | undefined> {
  const pair = await selfSignedCertificate(["127.0.0.1"]);
  const server = createServer({ cert: pair.certPem, key: pair.keyPem }, (req, res) => {
    res.writeHead(req.url === "/healthz" ? answer.code : 404, { "content-type": "text/plain" });
    res.end(answer.body);
  });
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined));
    server.listen(10259, "127.0.0.1", () => resolve(server));
  });
}

/** Whether something accepts connections on a loopback port (then the refused case cannot be checked). */
async function portInUse(port: number): Promise<boolean> {
  const { createConnection } = await import("node:net");
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: componentstatuses`, { timeout: 120_000 }, () => {
    const dir = tempDir("wharf-cs-");
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    let kubeconfig = "";
    let scheduler: Server | undefined;
    const answer = { code: 200, body: "ok" };
    let managerPortFree = false;

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api, kubeconfig } = await startAdminServer(backend, dir.path));
      scheduler = await fakeScheduler(answer);
      managerPortFree = !(await portInUse(10257));
    });
    after(async () => {
      await new Promise<void>((resolve) => (scheduler ? scheduler.close(() => resolve()) : resolve()));
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    it("is in discovery as kube lists it: cluster-scoped, get and list, short name cs", async (t) => {
      if (!api) return t.skip("no backend");
      const core = await adminJson(api.url, "GET", "/api/v1");
      assert.deepEqual(
        core.body.resources.find((r: { name: string }) => r.name === "componentstatuses"),
        {
          name: "componentstatuses",
          singularName: "componentstatus",
          namespaced: false,
          kind: "ComponentStatus",
          verbs: ["get", "list"],
          shortNames: ["cs"],
        },
      );
      const aggregated = await adminJson(api.url, "GET", "/api", undefined, "application/json", {
        accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
      });
      const v1 = aggregated.body.items[0].versions[0];
      assert.deepEqual(
        v1.resources.find((r: { resource: string }) => r.resource === "componentstatuses"),
        {
          resource: "componentstatuses",
          responseKind: { group: "", version: "", kind: "ComponentStatus" },
          scope: "Cluster",
          singularResource: "componentstatus",
          verbs: ["get", "list"],
          shortNames: ["cs"],
        },
      );
    });

    it("gets etcd-0 healthy with kube's JSON and the deprecation warning", async (t) => {
      if (!api) return t.skip("no backend");
      const r = await adminRequest(api.url, "GET", "/api/v1/componentstatuses/etcd-0", { accept: "application/json" });
      assert.equal(r.code, 200, r.body.toString());
      assert.equal(r.headers.warning, DEPRECATION);
      assert.deepEqual(JSON.parse(r.body.toString()), {
        kind: "ComponentStatus",
        apiVersion: "v1",
        metadata: { name: "etcd-0", creationTimestamp: null },
        conditions: [{ type: "Healthy", status: "True", message: "ok" }],
      });
    });

    it("probes the scheduler and controller-manager over HTTPS as kube's HTTP prober reports them", async (t) => {
      if (!api) return t.skip("no backend");
      if (!scheduler) return t.skip("port 10259 is in use on this machine");
      answer.code = 200;
      answer.body = "ok";
      const ok = await adminJson(api.url, "GET", "/api/v1/componentstatuses/scheduler");
      assert.deepEqual(ok.body.conditions, [{ type: "Healthy", status: "True", message: "ok" }]);
      answer.code = 500;
      answer.body = "[-]leader failed";
      const failing = await adminJson(api.url, "GET", "/api/v1/componentstatuses/scheduler");
      // The body of a failing probe is never shown (kube issue 99425).
      assert.deepEqual(failing.body.conditions, [
        { type: "Healthy", status: "False", message: "HTTP probe failed with statuscode: 500" },
      ]);
      answer.code = 200;
      answer.body = "ok";
      if (!managerPortFree) return t.skip("port 10257 is in use on this machine");
      const refused = await adminJson(api.url, "GET", "/api/v1/componentstatuses/controller-manager");
      assert.deepEqual(refused.body, {
        kind: "ComponentStatus",
        apiVersion: "v1",
        metadata: { name: "controller-manager", creationTimestamp: null },
        conditions: [{ type: "Healthy", status: "False", message: REFUSED }],
      });
    });

    it("lists every component (items without kind), with selectors as kube's predicate applies them", async (t) => {
      if (!api) return t.skip("no backend");
      const r = await adminRequest(api.url, "GET", "/api/v1/componentstatuses", { accept: "application/json" });
      assert.equal(r.headers.warning, DEPRECATION);
      const list = JSON.parse(r.body.toString());
      assert.equal(list.kind, "ComponentStatusList");
      assert.equal(list.apiVersion, "v1");
      assert.deepEqual(list.metadata, {});
      const names = list.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
      assert.deepEqual(names, ["controller-manager", "etcd-0", "scheduler"]);
      for (const item of list.items) assert.equal(item.kind, undefined, JSON.stringify(item));
      const one = await adminJson(api.url, "GET", "/api/v1/componentstatuses?fieldSelector=metadata.name%3Detcd-0");
      assert.deepEqual(one.body.items, [
        {
          metadata: { name: "etcd-0", creationTimestamp: null },
          conditions: [{ type: "Healthy", status: "True", message: "ok" }],
        },
      ]);
      const none = await adminJson(api.url, "GET", "/api/v1/componentstatuses?labelSelector=a%3Db");
      assert.deepEqual(none.body.items, []);
    });

    it("answers an unknown name, a watch and a write as kube does", async (t) => {
      if (!api) return t.skip("no backend");
      const missing = await adminRequest(api.url, "GET", "/api/v1/componentstatuses/etcd-1", {
        accept: "application/json",
      });
      assert.equal(missing.headers.warning, DEPRECATION);
      // kube's REST Get returns a plain Go error: a 500 without a reason.
      assert.deepEqual(JSON.parse(missing.body.toString()), {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Component not found: etcd-1",
        code: 500,
      });
      const watch = await adminJson(api.url, "GET", "/api/v1/componentstatuses?watch=true");
      assert.equal(watch.code, 405);
      assert.equal(watch.body.message, 'watch is not supported on resources of kind "componentstatuses"');
      const post = await adminJson(api.url, "POST", "/api/v1/componentstatuses", { metadata: { name: "x" } });
      assert.equal(post.code, 405);
      assert.equal(post.body.message, "the server does not allow this method on the requested resource");
    });

    it("kubectl get cs prints kube's NAME STATUS MESSAGE ERROR table and the warning", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      if (!scheduler || !managerPortFree) return t.skip("ports 10259/10257 are not as this test needs them");
      const out = await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, "get", "cs"]);
      assert.match(out.stderr, /Warning: v1 ComponentStatus is deprecated in v1\.19\+/);
      const message = REFUSED.length + 3;
      const row = (name: string, status: string, msg: string) =>
        `${name.padEnd(21)}${status.padEnd(12)}${msg.padEnd(message)}`;
      assert.deepEqual(out.stdout.split("\n"), [
        `${"NAME".padEnd(21)}${"STATUS".padEnd(12)}${"MESSAGE".padEnd(message)}ERROR`,
        row("scheduler", "Healthy", "ok"),
        row("controller-manager", "Unhealthy", REFUSED),
        row("etcd-0", "Healthy", "ok"),
        "",
      ]);
    });

    it("is in the OpenAPI documents: kubectl explain cs", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      const out = await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, "explain", "cs"]);
      assert.match(out.stdout, /^KIND: {7}ComponentStatus\nVERSION: {4}v1\n/);
      const v3 = await adminJson(api.url, "GET", "/openapi/v3/api/v1");
      const list = v3.body.paths["/api/v1/componentstatuses"];
      assert.deepEqual(Object.keys(list).sort(), ["get", "parameters"]);
      assert.equal(list.get.description, "list objects of kind ComponentStatus");
      assert.ok(v3.body.components.schemas["io.k8s.api.core.v1.ComponentStatusList"]);
    });

    // Last: it stops the store.
    it("reports etcd-0 unhealthy, with kube's error prefix, once the store is gone", async (t) => {
      if (!api || !store) return t.skip("no backend");
      await store.stop();
      store = undefined;
      const r = await adminJson(api.url, "GET", "/api/v1/componentstatuses/etcd-0");
      assert.equal(r.code, 200);
      const [condition] = r.body.conditions;
      assert.equal(condition.type, "Healthy");
      assert.equal(condition.status, "False");
      assert.equal(condition.message, undefined);
      assert.match(condition.error, /^error getting data from etcd: ./);
    });
  });
}

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCD_BIN, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { adminJson, startAdminServer } from "./support/local-server.js";

const run = promisify(execFile);

// Server-side apply and managedFields, driven by kubectl (apply
// --server-side, scale, client-side apply, dry run) and raw requests, on
// Debian's etcd and on brain.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const deployment = (replicas: number | undefined, extra: { labels?: Record<string, string>; image?: string } = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "ssa", labels: extra.labels ?? { app: "web", tier: "front" } },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "nginx", image: extra.image ?? "nginx:1.25", ports: [{ containerPort: 80 }] }] },
    },
  },
});

/** The managedFields entry of a manager (and operation, and subresource). */
function entry(obj: Json, manager: string, operation: string, subresource?: string): Json {
  return (obj.metadata.managedFields ?? []).find(
    (e: Json) => e.manager === manager && e.operation === operation && e.subresource === subresource,
  );
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: server-side apply and managedFields`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-ssa-");
    const kubeconfig = join(dir.path, "kubeconfig");

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      await call("POST", "/api/v1/namespaces", { metadata: { name: "ssa" } });
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    const call = (method: string, path: string, body?: unknown, contentType?: string, ua?: string) =>
      adminJson(api!.url, method, path, body, contentType, ua ? { "user-agent": ua } : {});

    const kubectl = async (...args: string[]) => (await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, ...args])).stdout;
    /** kubectl that is expected to fail: its stderr. */
    const kubectlFails = async (...args: string[]) => {
      try {
        await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, ...args]);
      } catch (e) {
        return String((e as { stderr: string }).stderr);
      }
      assert.fail(`kubectl ${args.join(" ")} succeeded`);
    };
    const manifest = (name: string, obj: unknown) => {
      const path = join(dir.path, name);
      writeFileSync(path, JSON.stringify(obj));
      return path;
    };
    const getJson = async (...args: string[]): Promise<Json> =>
      JSON.parse(await kubectl("get", ...args, "--show-managed-fields", "-o", "json"));
    const ready = (t: { skip(m: string): void }) => {
      if (!api) t.skip("no backend");
      else if (!KUBECTL) t.skip("no kubectl");
      return api !== undefined && KUBECTL !== undefined;
    };

    it("creates and updates with kubectl apply --server-side, owning exactly the applied fields", async (t) => {
      if (!ready(t)) return;
      const out = await kubectl("apply", "--server-side", "-f", manifest("d1.json", deployment(2)));
      assert.match(out, /deployment\.apps\/web serverside-applied/);
      let d = await getJson("-n", "ssa", "deployment", "web");
      assert.equal(d.spec.replicas, 2);
      // Defaults are filled, but belong to nobody.
      assert.equal(d.spec.template.spec.containers[0].terminationMessagePath, "/dev/termination-log");
      assert.equal(d.metadata.managedFields.length, 1);
      const applied = entry(d, "kubectl", "Apply");
      assert.ok(applied, JSON.stringify(d.metadata.managedFields));
      assert.equal(applied.apiVersion, "apps/v1");
      assert.equal(applied.fieldsType, "FieldsV1");
      assert.match(applied.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(applied.subresource, undefined);
      assert.deepEqual(applied.fieldsV1, {
        "f:metadata": { "f:labels": { "f:app": {}, "f:tier": {} } },
        "f:spec": {
          "f:replicas": {},
          "f:selector": {},
          "f:template": {
            "f:metadata": { "f:labels": { "f:app": {} } },
            "f:spec": {
              "f:containers": {
                'k:{"name":"nginx"}': {
                  ".": {},
                  "f:image": {},
                  "f:name": {},
                  "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
                },
              },
            },
          },
        },
      });
      const rv = d.metadata.resourceVersion;
      // Applying the same configuration again changes nothing.
      assert.match(
        await kubectl("apply", "--server-side", "-f", manifest("d1.json", deployment(2))),
        /serverside-applied/,
      );
      assert.equal((await getJson("-n", "ssa", "deployment", "web")).metadata.resourceVersion, rv);
      // A new image is an update of the same Apply entry.
      await kubectl("apply", "--server-side", "-f", manifest("d2.json", deployment(2, { image: "nginx:1.26" })));
      d = await getJson("-n", "ssa", "deployment", "web");
      assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.26");
      assert.equal(d.metadata.generation, 2);
      assert.deepEqual(
        d.metadata.managedFields.map((e: Json) => [e.manager, e.operation]),
        [["kubectl", "Apply"]],
      );
    });

    it("removes fields dropped from the applied configuration, keeping those another manager owns", async (t) => {
      if (!ready(t)) return;
      // Another manager adds a label of its own with a merge patch.
      const patched = await call(
        "PATCH",
        "/apis/apps/v1/namespaces/ssa/deployments/web?fieldManager=labeller",
        { metadata: { labels: { owner: "ops" } } },
        "application/merge-patch+json",
      );
      assert.equal(patched.code, 200, JSON.stringify(patched.body));
      assert.deepEqual(entry(patched.body, "labeller", "Update").fieldsV1, {
        "f:metadata": { "f:labels": { "f:owner": {} } },
      });
      // The applier stops setting tier and replicas.
      await kubectl(
        "apply",
        "--server-side",
        "-f",
        manifest("d3.json", deployment(undefined, { labels: { app: "web" }, image: "nginx:1.26" })),
      );
      const d = await getJson("-n", "ssa", "deployment", "web");
      assert.deepEqual(d.metadata.labels, { app: "web", owner: "ops" });
      // replicas was the applier's only: removed, then defaulted again to 1.
      assert.equal(d.spec.replicas, 1);
      const applied = entry(d, "kubectl", "Apply");
      assert.deepEqual(applied.fieldsV1["f:metadata"], { "f:labels": { "f:app": {} } });
      assert.equal(applied.fieldsV1["f:spec"]["f:replicas"], undefined);
      assert.deepEqual(entry(d, "labeller", "Update").fieldsV1, { "f:metadata": { "f:labels": { "f:owner": {} } } });
    });

    it("refuses to take a field kubectl scale set, and takes it with --force-conflicts", async (t) => {
      if (!ready(t)) return;
      await kubectl("apply", "--server-side", "-f", manifest("d4.json", deployment(2, { image: "nginx:1.26" })));
      assert.match(await kubectl("-n", "ssa", "scale", "deployment/web", "--replicas=5"), /scaled/);
      let d = await getJson("-n", "ssa", "deployment", "web");
      assert.equal(d.spec.replicas, 5);
      const scaler = entry(d, "kubectl", "Update", "scale");
      assert.ok(scaler, JSON.stringify(d.metadata.managedFields));
      assert.equal(scaler.apiVersion, "apps/v1");
      assert.deepEqual(scaler.fieldsV1, { "f:spec": { "f:replicas": {} } });
      assert.equal(entry(d, "kubectl", "Apply").fieldsV1["f:spec"]["f:replicas"], undefined);

      const err = await kubectlFails("apply", "--server-side", "-f", manifest("d4.json", deployment(2)));
      assert.match(
        err,
        /Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/,
      );
      assert.match(err, /--force-conflicts/);
      assert.equal((await getJson("-n", "ssa", "deployment", "web")).spec.replicas, 5);

      // The same conflict on the wire: 409 with one FieldManagerConflict cause.
      const raw = await call(
        "PATCH",
        "/apis/apps/v1/namespaces/ssa/deployments/web?fieldManager=kubectl",
        JSON.stringify(deployment(2)),
        "application/apply-patch+yaml",
      );
      assert.equal(raw.code, 409);
      assert.equal(raw.body.reason, "Conflict");
      assert.deepEqual(raw.body.details, {
        causes: [
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "kubectl" with subresource "scale" using apps/v1',
            field: ".spec.replicas",
          },
        ],
      });

      await kubectl("apply", "--server-side", "--force-conflicts", "-f", manifest("d4.json", deployment(2)));
      d = await getJson("-n", "ssa", "deployment", "web");
      assert.equal(d.spec.replicas, 2);
      assert.equal(entry(d, "kubectl", "Update", "scale"), undefined);
      assert.deepEqual(entry(d, "kubectl", "Apply").fieldsV1["f:spec"]["f:replicas"], {});
    });

    it("does not change anything on apply --server-side --dry-run=server", async (t) => {
      if (!ready(t)) return;
      const before = await getJson("-n", "ssa", "deployment", "web");
      const out = await kubectl(
        "apply",
        "--server-side",
        "--dry-run=server",
        "-o",
        "json",
        "-f",
        manifest("d5.json", deployment(7, { image: "nginx:dry" })),
      );
      const answered = JSON.parse(out);
      assert.equal(answered.spec.replicas, 7);
      assert.equal(answered.spec.template.spec.containers[0].image, "nginx:dry");
      const afterwards = await getJson("-n", "ssa", "deployment", "web");
      assert.equal(afterwards.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.equal(afterwards.spec.replicas, 2);
      // A dry-run create leaves no object behind.
      const created = await call(
        "PATCH",
        "/api/v1/namespaces/ssa/configmaps/ghost?fieldManager=me&dryRun=All",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ghost\ndata:\n  a: b\n",
        "application/apply-patch+yaml",
      );
      assert.equal(created.code, 201, JSON.stringify(created.body));
      assert.equal(entry(created.body, "me", "Apply").operation, "Apply");
      assert.equal((await call("GET", "/api/v1/namespaces/ssa/configmaps/ghost")).code, 404);
    });

    it("records kubectl's client-side apply and create as Update entries, and conflicts with them", async (t) => {
      if (!ready(t)) return;
      const cm = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "settings", namespace: "ssa" },
        data: { color: "blue", size: "m" },
      };
      assert.match(await kubectl("apply", "-f", manifest("cm1.json", cm)), /configmap\/settings created/);
      let c = await getJson("-n", "ssa", "configmap", "settings");
      const csa = entry(c, "kubectl-client-side-apply", "Update");
      assert.ok(csa, JSON.stringify(c.metadata.managedFields));
      assert.equal(csa.apiVersion, "v1");
      assert.deepEqual(csa.fieldsV1, {
        "f:data": { ".": {}, "f:color": {}, "f:size": {} },
        "f:metadata": {
          "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} },
        },
      });
      // A second client-side apply patches (strategic merge) and moves nothing.
      assert.match(
        await kubectl("apply", "-f", manifest("cm2.json", { ...cm, data: { color: "green", size: "m" } })),
        /configured/,
      );
      c = await getJson("-n", "ssa", "configmap", "settings");
      assert.equal(c.data.color, "green");
      assert.deepEqual(
        c.metadata.managedFields.map((e: Json) => e.manager),
        ["kubectl-client-side-apply"],
      );

      // Another applier changing color conflicts with the client-side applier.
      const conflict = await call(
        "PATCH",
        "/api/v1/namespaces/ssa/configmaps/settings?fieldManager=other",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: red\n",
        "application/apply-patch+yaml",
      );
      assert.equal(conflict.code, 409);
      assert.equal(
        conflict.body.message,
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.color',
      );
      // Applying the value it already has shares ownership instead.
      const shared = await call(
        "PATCH",
        "/api/v1/namespaces/ssa/configmaps/settings?fieldManager=other",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: green\n",
        "application/apply-patch+yaml",
      );
      assert.equal(shared.code, 200, JSON.stringify(shared.body));
      assert.deepEqual(entry(shared.body, "other", "Apply").fieldsV1, { "f:data": { "f:color": {} } });
      assert.deepEqual(entry(shared.body, "kubectl-client-side-apply", "Update").fieldsV1["f:data"], {
        ".": {},
        "f:color": {},
        "f:size": {},
      });

      // kubectl (the manager) upgrading from client-side apply may take the fields last-applied still matches.
      const upgraded = await kubectl(
        "apply",
        "--server-side",
        "-f",
        manifest("cm3.json", { ...cm, data: { color: "green", size: "l" } }),
      );
      assert.match(upgraded, /serverside-applied/);
      c = await getJson("-n", "ssa", "configmap", "settings");
      assert.equal(c.data.size, "l");
      assert.deepEqual(JSON.parse(c.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).data, {
        color: "green",
        size: "l",
      });

      // kubectl create records kubectl-create; its user-agent default is the product name.
      await kubectl("-n", "ssa", "create", "configmap", "made", "--from-literal=k=v");
      const made = await getJson("-n", "ssa", "configmap", "made");
      assert.deepEqual(entry(made, "kubectl-create", "Update").fieldsV1, { "f:data": { ".": {}, "f:k": {} } });
      const byAgent = await call(
        "POST",
        "/api/v1/namespaces/ssa/configmaps",
        { metadata: { name: "agent" }, data: { a: "b" } },
        "application/json",
        "my-controller/v0.1 (linux/amd64)",
      );
      assert.equal(byAgent.code, 201);
      assert.deepEqual(
        byAgent.body.metadata.managedFields.map((e: Json) => [e.manager, e.operation]),
        [["my-controller", "Update"]],
      );
    });

    it("answers apply's option and body errors as kube does", async (t) => {
      if (!api) return t.skip("no backend");
      const path = "/api/v1/namespaces/ssa/configmaps/settings";
      const noManager = await call("PATCH", path, "{}", "application/apply-patch+yaml");
      assert.equal(noManager.code, 422);
      assert.equal(
        noManager.body.message,
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
      assert.deepEqual(noManager.body.details, {
        group: "meta.k8s.io",
        kind: "PatchOptions",
        causes: [
          {
            reason: "FieldValueRequired",
            message: "Required value: is required for apply patch",
            field: "fieldManager",
          },
        ],
      });
      const force = await call("PATCH", `${path}?force=true`, { data: {} }, "application/merge-patch+json");
      assert.equal(force.code, 422);
      assert.match(force.body.message, /force: Forbidden: may not be specified for non-apply patch/);
      const wrongKind = await call(
        "PATCH",
        `${path}?fieldManager=x`,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: settings\n",
        "application/apply-patch+yaml",
      );
      assert.equal(wrongKind.code, 400);
      assert.equal(wrongKind.body.message, "invalid object type: /v1, Kind=Secret");
      const withManaged = await call(
        "PATCH",
        `${path}?fieldManager=x`,
        JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", managedFields: [] } }),
        "application/apply-patch+yaml",
      );
      assert.equal(withManaged.code, 400);
      assert.equal(withManaged.body.message, "metadata.managedFields must be nil");
      // YAML 1.1, as kube reads it: `on` is a boolean.
      const yaml11 = await call(
        "PATCH",
        "/apis/apps/v1/namespaces/ssa/deployments/yaml11?fieldManager=x",
        [
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata:",
          "  name: yaml11",
          "spec:",
          "  paused: on",
          "  selector: {matchLabels: {app: yaml11}}",
          "  template:",
          "    metadata: {labels: {app: yaml11}}",
          "    spec: {containers: [{name: c, image: busybox}]}",
          "",
        ].join("\n"),
        "application/apply-patch+yaml",
      );
      assert.equal(yaml11.code, 201, JSON.stringify(yaml11.body));
      assert.equal(yaml11.body.spec.paused, true);
    });

    it("records /status writes with their subresource and resets managedFields on request", async (t) => {
      if (!api) return t.skip("no backend");
      const base = "/apis/apps/v1/namespaces/ssa/deployments/web";
      const status = await call(
        "PATCH",
        `${base}/status?fieldManager=status-writer`,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nstatus:\n  observedGeneration: 9\n",
        "application/apply-patch+yaml",
      );
      assert.equal(status.code, 200, JSON.stringify(status.body));
      assert.equal(status.body.status.observedGeneration, 9);
      const writer = entry(status.body, "status-writer", "Apply", "status");
      assert.deepEqual(writer.fieldsV1, { "f:status": { "f:observedGeneration": {} } });
      // Status on the main resource is not the applier's.
      assert.equal(entry(status.body, "kubectl", "Apply").fieldsV1["f:status"], undefined);
      // An update sending `managedFields: [{}]` resets them; the update itself is then recorded alone.
      const reset = await call(
        "PATCH",
        `${base}?fieldManager=resetter`,
        { metadata: { managedFields: [{}], annotations: { note: "x" } } },
        "application/merge-patch+json",
      );
      assert.equal(reset.code, 200, JSON.stringify(reset.body));
      assert.deepEqual(
        reset.body.metadata.managedFields.map((e: Json) => [e.manager, e.operation, e.fieldsV1]),
        [["resetter", "Update", { "f:metadata": { "f:annotations": { ".": {}, "f:note": {} } } }]],
      );
      // Resetting without changing anything leaves no managers: the next applier meets "before-first-apply".
      const cleared = await call("PATCH", base, { metadata: { managedFields: [{}] } }, "application/merge-patch+json");
      assert.equal(cleared.code, 200);
      assert.equal(cleared.body.metadata.managedFields, undefined);
      const newcomer = await call(
        "PATCH",
        `${base}?fieldManager=newcomer`,
        JSON.stringify(deployment(3)),
        "application/apply-patch+yaml",
      );
      assert.equal(newcomer.code, 409);
      assert.equal(
        newcomer.body.message,
        'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
      );
    });
  });
}

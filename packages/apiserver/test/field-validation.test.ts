import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCD_BIN, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { adminRequest, startAdminServer } from "./support/local-server.js";

const run = promisify(execFile);

// fieldValidation (Ignore, Warn by default, Strict) on create, update and
// every patch type of built-in kinds, their subresources and custom
// resources, the unknown fields of built-in kinds dropped, the parameter
// advertised in /openapi/v2 and /v3, and kubectl's --validate=strict|warn;
// on Debian's etcd and on brain.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const NS = "fv";
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;

/** A Deployment in JSON text, with what `spec` gets between its first members and its selector. */
const deploymentText = (name: string, specExtra = "", containerExtra = "") => `{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {"name": "${name}", "labels": {"app": "web"}},
  "spec": {
    ${specExtra}
    "selector": {"matchLabels": {"app": "web"}},
    "template": {
      "metadata": {"labels": {"app": "web"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"${containerExtra}}]}
    }
  }
}`;

/** Unknown and duplicate fields at the top of the spec and inside the first container. */
const BAD_SPEC = `"unknown1": "v", "unknownDupe": 1, "unknownDupe": 2, "paused": true, "paused": false,`;
const BAD_CONTAINER = `, "unknownNested": {"a": 1}, "imagePullPolicy": "Always", "imagePullPolicy": "Never"`;
/** What a strict decode of BAD_SPEC and BAD_CONTAINER reports, in document order. */
const BAD_ERRORS = [
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
  'duplicate field "spec.paused"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
  'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
];

const CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.fv.example.com" },
  spec: {
    group: "fv.example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  knownField1: { type: "string" },
                  free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  ports: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: { name: { type: "string" }, containerPort: { type: "integer" } },
                    },
                  },
                },
              },
              status: { type: "object", properties: { phase: { type: "string" } } },
            },
          },
        },
      },
    ],
  },
};
const WIDGETS = `/apis/fv.example.com/v1/namespaces/${NS}/widgets`;

const widgetText = (name: string, specBody: string) =>
  `{"apiVersion": "fv.example.com/v1", "kind": "Widget", "metadata": {"name": "${name}"}, "spec": {${specBody}}}`;
/** Duplicates, unknown fields (nested in a list too) and a preserved subtree whose members are not unknown. */
const BAD_WIDGET_SPEC = `"unknown1": "a", "unknownDupe": 1, "unknownDupe": 2, "knownField1": "x", "knownField1": "y",
  "free": {"anything": {"goes": true}}, "ports": [{"name": "p", "containerPort": 80, "containerPort": 81, "unknownNested": 1}]`;
/** Duplicates in document order, then the pruned paths sorted, as apiextensions-apiserver reports them. */
const BAD_WIDGET_ERRORS = [
  'duplicate field "spec.unknownDupe"',
  'duplicate field "spec.knownField1"',
  'duplicate field "spec.ports[0].containerPort"',
  'unknown field "spec.ports[0].unknownNested"',
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
];

/** The texts of a response's Warning headers (`299 - "text"`). */
function warningsOf(headers: Record<string, unknown>): string[] {
  const raw = headers.warning;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : String(raw).split(/,(?=\s*299 )/);
  return list.map((h: string) => {
    const m = /^\s*299 - "((?:[^"\\]|\\.)*)"\s*$/.exec(h);
    assert.ok(m, `not a kube warning header: ${h}`);
    return m[1]!.replace(/\\(.)/g, "$1");
  });
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: fieldValidation`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-fv-");
    const kubeconfig = join(dir.path, "kubeconfig");

    /** A request: `body` sent as is; the answer decoded, with its warnings. */
    const send = async (method: string, path: string, body?: string, contentType = "application/json") => {
      const r = await adminRequest(
        api!.url,
        method,
        path,
        { "content-type": contentType, accept: "application/json" },
        body,
      );
      const text = r.body.toString("utf8");
      return {
        code: r.code,
        body: text === "" ? undefined : (JSON.parse(text) as Json),
        warnings: warningsOf(r.headers),
      };
    };
    const get = async (path: string): Promise<Json> => {
      const r = await send("GET", path);
      assert.equal(r.code, 200, JSON.stringify(r.body));
      return r.body;
    };

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      assert.equal((await send("POST", "/api/v1/namespaces", `{"metadata": {"name": "${NS}"}}`)).code, 201);
      assert.equal(
        (await send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", JSON.stringify(CRD))).code,
        201,
      );
      for (let i = 0; ; i++) {
        const r = await send("GET", WIDGETS);
        if (r.code === 200) break;
        assert.ok(i < 200, `widgets never served: ${r.code} ${JSON.stringify(r.body)}`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });
    const ready = (t: { skip(m: string): void }) => {
      if (!api) t.skip("no backend");
      return api !== undefined;
    };

    it("create: Strict refuses with kube's 400 and stores nothing, Warn and the default warn, Ignore is silent", async (t) => {
      if (!ready(t)) return;
      const strict = await send(
        "POST",
        `${DEPLOYMENTS}?fieldValidation=Strict`,
        deploymentText("c-strict", BAD_SPEC, BAD_CONTAINER),
      );
      assert.equal(strict.code, 400);
      assert.equal(strict.body.reason, "BadRequest");
      assert.equal(
        strict.body.message,
        `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${BAD_ERRORS.join(", ")}`,
      );
      assert.deepEqual(strict.warnings, []);
      assert.equal((await send("GET", `${DEPLOYMENTS}/c-strict`)).code, 404);

      for (const [name, query] of [
        ["c-warn", "?fieldValidation=Warn"],
        ["c-default", ""],
      ] as const) {
        const r = await send("POST", `${DEPLOYMENTS}${query}`, deploymentText(name, BAD_SPEC, BAD_CONTAINER));
        assert.equal(r.code, 201, JSON.stringify(r.body));
        assert.deepEqual(r.warnings, BAD_ERRORS);
        const d = await get(`${DEPLOYMENTS}/${name}`);
        // Unknown fields are dropped as kube's typed decoding drops them; the last duplicate wins.
        assert.equal(d.spec.unknown1, undefined);
        assert.equal(d.spec.unknownDupe, undefined);
        assert.equal(d.spec.paused, false);
        assert.equal(d.spec.template.spec.containers[0].unknownNested, undefined);
        assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, "Never");
      }

      const ignore = await send(
        "POST",
        `${DEPLOYMENTS}?fieldValidation=Ignore`,
        deploymentText("c-ignore", BAD_SPEC, BAD_CONTAINER),
      );
      assert.equal(ignore.code, 201);
      assert.deepEqual(ignore.warnings, []);
      assert.equal(ignore.body.spec.unknown1, undefined);
      assert.equal((await get(`${DEPLOYMENTS}/c-ignore`)).spec.template.spec.containers[0].unknownNested, undefined);
    });

    it("does not look into free-form values, and reports duplicate keys of maps", async (t) => {
      if (!ready(t)) return;
      // ControllerRevision.data is a RawExtension: anything goes, and stays.
      const rev = await send(
        "POST",
        `/apis/apps/v1/namespaces/${NS}/controllerrevisions?fieldValidation=Strict`,
        `{"metadata": {"name": "rev"}, "revision": 1, "data": {"spec": {"anything": {"x": 1}}, "foo": [1, {"bar": 2}]}}`,
      );
      assert.equal(rev.code, 201, JSON.stringify(rev.body));
      assert.deepEqual(rev.warnings, []);
      assert.deepEqual((await get(`/apis/apps/v1/namespaces/${NS}/controllerrevisions/rev`)).data, {
        spec: { anything: { x: 1 } },
        foo: [1, { bar: 2 }],
      });
      // A CRD's schema is typed (JSONSchemaProps), its default values are not.
      const crd = structuredClone(CRD) as Json;
      crd.metadata.name = "gizmos.fv.example.com";
      crd.spec.names = { plural: "gizmos", singular: "gizmo", kind: "Gizmo", listKind: "GizmoList" };
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.knownField1.default = "d";
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.free.default = { a: { b: 1 } };
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.typo = true;
      const created = await send(
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        JSON.stringify(crd),
      );
      assert.equal(created.code, 201, JSON.stringify(created.body));
      assert.deepEqual(created.warnings, [
        'unknown field "spec.versions[0].schema.openAPIV3Schema.properties.spec.typo"',
      ]);
      assert.deepEqual(created.body.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.free.default, {
        a: { b: 1 },
      });
      // data of a ConfigMap is a map: a repeated key is a duplicate; metadata's duplicates too.
      const cm = await send(
        "POST",
        `/api/v1/namespaces/${NS}/configmaps`,
        `{"metadata": {"name": "cm", "name": "cm"}, "data": {"a": "1", "a": "2", "b.c": "3"}}`,
      );
      assert.equal(cm.code, 201);
      assert.deepEqual(cm.warnings, ['duplicate field "metadata.name"', 'duplicate field "data.a"']);
      assert.deepEqual((await get(`/api/v1/namespaces/${NS}/configmaps/cm`)).data, { a: "2", "b.c": "3" });
    });

    it("update: the same checks on PUT, and Strict leaves the stored object as it was", async (t) => {
      if (!ready(t)) return;
      assert.equal((await send("POST", DEPLOYMENTS, deploymentText("u"))).code, 201);
      const before = await get(`${DEPLOYMENTS}/u`);
      const strict = await send(
        "PUT",
        `${DEPLOYMENTS}/u?fieldValidation=Strict`,
        deploymentText("u", BAD_SPEC, BAD_CONTAINER),
      );
      assert.equal(strict.code, 400);
      assert.equal(
        strict.body.message,
        `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${BAD_ERRORS.join(", ")}`,
      );
      assert.equal((await get(`${DEPLOYMENTS}/u`)).metadata.resourceVersion, before.metadata.resourceVersion);
      const warn = await send("PUT", `${DEPLOYMENTS}/u`, deploymentText("u", BAD_SPEC, BAD_CONTAINER));
      assert.equal(warn.code, 200, JSON.stringify(warn.body));
      assert.deepEqual(warn.warnings, BAD_ERRORS);
      assert.equal(warn.body.spec.paused, false);
      assert.equal(warn.body.spec.unknown1, undefined);
      const ignore = await send(
        "PUT",
        `${DEPLOYMENTS}/u?fieldValidation=Ignore`,
        deploymentText("u", BAD_SPEC, BAD_CONTAINER),
      );
      assert.equal(ignore.code, 200);
      assert.deepEqual(ignore.warnings, []);
    });

    it("merge, strategic and JSON patches: the patch's duplicates, then the result's unknown fields", async (t) => {
      if (!ready(t)) return;
      assert.equal((await send("POST", DEPLOYMENTS, deploymentText("p"))).code, 201);
      const rv = (await get(`${DEPLOYMENTS}/p`)).metadata.resourceVersion;
      const merge = `{"spec": {"zeta": 1, "paused": true, "paused": false, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "bogus": 1}]}}}}`;
      const mergeErrors = [
        'duplicate field "spec.paused"',
        // The patched object's fields in the order of Go's encoder: map keys sorted.
        'unknown field "spec.template.spec.containers[0].bogus"',
        'unknown field "spec.zeta"',
      ];
      const strict = await send(
        "PATCH",
        `${DEPLOYMENTS}/p?fieldValidation=Strict`,
        merge,
        "application/merge-patch+json",
      );
      assert.equal(strict.code, 422);
      assert.equal(strict.body.reason, "Invalid");
      assert.equal(strict.body.details.causes[0].field, "patch");
      assert.ok(
        strict.body.message.startsWith(' "" is invalid: patch: Invalid value: "{'),
        `kube's 422 on the patch: ${strict.body.message}`,
      );
      assert.ok(
        strict.body.message.endsWith(`: strict decoding error: ${mergeErrors.join(", ")}`),
        strict.body.message,
      );
      assert.equal((await get(`${DEPLOYMENTS}/p`)).metadata.resourceVersion, rv, "a refused patch writes nothing");

      const warn = await send("PATCH", `${DEPLOYMENTS}/p`, merge, "application/merge-patch+json");
      assert.equal(warn.code, 200, JSON.stringify(warn.body));
      assert.deepEqual(warn.warnings, mergeErrors);
      assert.equal(warn.body.spec.zeta, undefined);
      assert.equal(warn.body.spec.template.spec.containers[0].bogus, undefined);

      const smp = `{"spec": {"unknown1": "v", "replicas": 2, "replicas": 3, "template": {"spec": {"containers": [{"name": "nginx", "unknownNested": 1}]}}}}`;
      const smpErrors = [
        'duplicate field "spec.replicas"',
        'unknown field "spec.template.spec.containers[0].unknownNested"',
        'unknown field "spec.unknown1"',
      ];
      const smpStrict = await send(
        "PATCH",
        `${DEPLOYMENTS}/p?fieldValidation=Strict`,
        smp,
        "application/strategic-merge-patch+json",
      );
      assert.equal(smpStrict.code, 422);
      // The strategic patch is shown as Go prints its map.
      assert.ok(
        smpStrict.body.message.startsWith(
          ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:3 template:map[spec:map[containers:[map[name:nginx unknownNested:1]]]] unknown1:v]]": strict decoding error: ',
        ),
        smpStrict.body.message,
      );
      assert.ok(smpStrict.body.message.endsWith(smpErrors.join(", ")), smpStrict.body.message);
      const smpWarn = await send(
        "PATCH",
        `${DEPLOYMENTS}/p?fieldValidation=Warn`,
        smp,
        "application/strategic-merge-patch+json",
      );
      assert.equal(smpWarn.code, 200);
      assert.deepEqual(smpWarn.warnings, smpErrors);
      assert.equal(smpWarn.body.spec.replicas, 3);
      const smpIgnore = await send(
        "PATCH",
        `${DEPLOYMENTS}/p?fieldValidation=Ignore`,
        smp,
        "application/strategic-merge-patch+json",
      );
      assert.equal(smpIgnore.code, 200);
      assert.deepEqual(smpIgnore.warnings, []);
      assert.equal(smpIgnore.body.spec.unknown1, undefined);

      const jsonPatch = `[{"op": "add", "path": "/spec/unknown3", "value": 1, "foo": "bar"}, {"op": "replace", "path": "/spec/replicas", "path": "/spec/replicas", "value": 4}]`;
      const jp = await send("PATCH", `${DEPLOYMENTS}/p`, jsonPatch, "application/json-patch+json");
      assert.equal(jp.code, 200, JSON.stringify(jp.body));
      assert.deepEqual(jp.warnings, [
        'json patch unknown field "[0].foo"',
        'json patch duplicate field "[1].path"',
        'unknown field "spec.unknown3"',
      ]);
      assert.equal(jp.body.spec.replicas, 4);
    });

    it("server-side apply: duplicate keys of the YAML body by line, per directive", async (t) => {
      if (!ready(t)) return;
      const body = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
spec:
  paused: true
  paused: false
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        image: nginx:1.26
`;
      const path = `${DEPLOYMENTS}/a?fieldManager=fv`;
      const apply = "application/apply-patch+yaml";
      const strict = await send("PATCH", `${path}&fieldValidation=Strict`, body, apply);
      assert.equal(strict.code, 400);
      assert.equal(
        strict.body.message,
        'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "paused" already set in map\n  line 15: key "image" already set in map',
      );
      assert.equal((await send("GET", `${DEPLOYMENTS}/a`)).code, 404, "a refused apply creates nothing");
      const warn = await send("PATCH", path, body, apply);
      assert.equal(warn.code, 201, JSON.stringify(warn.body));
      assert.deepEqual(warn.warnings, [
        'line 7: key "paused" already set in map',
        'line 15: key "image" already set in map',
      ]);
      assert.equal(warn.body.spec.paused, false);
      assert.equal(warn.body.spec.template.spec.containers[0].image, "nginx:1.26");
      const ignore = await send("PATCH", `${path}&fieldValidation=Ignore`, body, apply);
      assert.equal(ignore.code, 200);
      assert.deepEqual(ignore.warnings, []);
    });

    it("subresources: status and scale bodies are checked against their kinds", async (t) => {
      if (!ready(t)) return;
      assert.equal((await send("POST", DEPLOYMENTS, deploymentText("s"))).code, 201);
      const current = await get(`${DEPLOYMENTS}/s`);
      const withStatus = JSON.stringify({
        ...current,
        status: { replicas: 1, bogus: true, conditions: [{ type: "Available", status: "True", extra: 1 }] },
      });
      const strict = await send("PUT", `${DEPLOYMENTS}/s/status?fieldValidation=Strict`, withStatus);
      assert.equal(strict.code, 400);
      assert.equal(
        strict.body.message,
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "status.bogus", unknown field "status.conditions[0].extra"',
      );
      const warn = await send("PUT", `${DEPLOYMENTS}/s/status`, withStatus);
      assert.equal(warn.code, 200, JSON.stringify(warn.body));
      assert.deepEqual(warn.warnings, ['unknown field "status.bogus"', 'unknown field "status.conditions[0].extra"']);
      assert.equal(warn.body.status.replicas, 1);
      assert.equal(warn.body.status.bogus, undefined);
      const patch = await send(
        "PATCH",
        `${DEPLOYMENTS}/s/status`,
        `{"status": {"observedGeneration": 1, "nope": 1}}`,
        "application/merge-patch+json",
      );
      assert.equal(patch.code, 200);
      assert.deepEqual(patch.warnings, ['unknown field "status.nope"']);
      const scale = await send(
        "PUT",
        `${DEPLOYMENTS}/s/scale?fieldValidation=Strict`,
        `{"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "s", "namespace": "${NS}"}, "spec": {"replicas": 2, "surge": 1}}`,
      );
      assert.equal(scale.code, 400);
      assert.equal(
        scale.body.message,
        'Scale in version "v1" cannot be handled as a Scale: strict decoding error: unknown field "spec.surge"',
      );
      assert.equal((await get(`${DEPLOYMENTS}/s`)).spec.replicas, 1, "a refused scale writes nothing");
    });

    it("custom resources: duplicates and pruned fields, not what x-kubernetes-preserve-unknown-fields keeps", async (t) => {
      if (!ready(t)) return;
      const strict = await send("POST", `${WIDGETS}?fieldValidation=Strict`, widgetText("w-strict", BAD_WIDGET_SPEC));
      assert.equal(strict.code, 400);
      assert.equal(
        strict.body.message,
        `Widget in version "v1" cannot be handled as a Widget: strict decoding error: ${BAD_WIDGET_ERRORS.join(", ")}`,
      );
      assert.equal((await send("GET", `${WIDGETS}/w-strict`)).code, 404);
      const warn = await send("POST", WIDGETS, widgetText("w", BAD_WIDGET_SPEC));
      assert.equal(warn.code, 201, JSON.stringify(warn.body));
      assert.deepEqual(warn.warnings, BAD_WIDGET_ERRORS);
      const w = await get(`${WIDGETS}/w`);
      assert.deepEqual(w.spec, {
        knownField1: "y",
        free: { anything: { goes: true } },
        ports: [{ name: "p", containerPort: 81 }],
      });
      const ignore = await send("POST", `${WIDGETS}?fieldValidation=Ignore`, widgetText("w-ignore", BAD_WIDGET_SPEC));
      assert.equal(ignore.code, 201);
      assert.deepEqual(ignore.warnings, []);
      // metadata's unknown fields too.
      const meta = await send(
        "PUT",
        `${WIDGETS}/w`,
        JSON.stringify({ ...w, metadata: { ...w.metadata, colour: "red" } }),
      );
      assert.equal(meta.code, 200, JSON.stringify(meta.body));
      assert.deepEqual(meta.warnings, ['unknown field "metadata.colour"']);
      assert.equal(meta.body.metadata.colour, undefined);
      const merge = await send(
        "PATCH",
        `${WIDGETS}/w?fieldValidation=Strict`,
        `{"spec": {"knownField1": "z", "knownField1": "q", "free": {"new": 1}, "extra": 1}}`,
        "application/merge-patch+json",
      );
      assert.equal(merge.code, 422);
      assert.ok(
        merge.body.message.endsWith(
          'strict decoding error: duplicate field "spec.knownField1", unknown field "spec.extra"',
        ),
        merge.body.message,
      );
      const status = await send(
        "PATCH",
        `${WIDGETS}/w/status`,
        `{"status": {"phase": "Ready", "mood": "good"}}`,
        "application/merge-patch+json",
      );
      assert.equal(status.code, 200, JSON.stringify(status.body));
      assert.deepEqual(status.warnings, ['unknown field "status.mood"']);
      assert.deepEqual(status.body.status, { phase: "Ready" });
    });

    it("an invalid fieldValidation is kube's 422 on the options, before anything is written", async (t) => {
      if (!ready(t)) return;
      const create = await send("POST", `${DEPLOYMENTS}?fieldValidation=strict`, deploymentText("bad-mode"));
      assert.equal(create.code, 422);
      assert.equal(create.body.reason, "Invalid");
      assert.equal(
        create.body.message,
        'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
      );
      assert.equal((await send("GET", `${DEPLOYMENTS}/bad-mode`)).code, 404);
      const patch = await send(
        "PATCH",
        `${WIDGETS}/w?fieldValidation=Yes`,
        `{"spec": {}}`,
        "application/merge-patch+json",
      );
      assert.equal(patch.code, 422);
      assert.match(
        patch.body.message,
        /^PatchOptions\.meta\.k8s\.io "" is invalid: fieldValidation: Unsupported value: "Yes"/,
      );
      const update = await send("PUT", `${DEPLOYMENTS}/u?fieldValidation=warn`, deploymentText("u"));
      assert.equal(update.code, 422);
      assert.match(update.body.message, /^UpdateOptions\.meta\.k8s\.io "" is invalid/);
    });

    it("bodies and merge patches that are not objects are 400s and change nothing", async (t) => {
      if (!ready(t)) return;
      const cms = `/api/v1/namespaces/${NS}/configmaps`;
      for (const body of ["[1, 2]", "7", '"text"']) {
        const r = await send("POST", cms, body);
        assert.equal(r.code, 400, `create with ${body}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.reason, "BadRequest", `create with ${body}`);
      }
      // kube decodes `null` into an empty ConfigMap: validation refuses it (bad-input.test.ts checks the texts).
      const empty = await send("POST", cms, "null");
      assert.equal(empty.code, 422, `create with null: ${JSON.stringify(empty.body)}`);
      assert.equal((await send("POST", cms, `{"metadata": {"name": "kept"}, "data": {"a": "1"}}`)).code, 201);
      const before = await get(`${cms}/kept`);
      for (const body of ["[1, 2]", '"text"']) {
        const r = await send("PATCH", `${cms}/kept`, body, "application/merge-patch+json");
        assert.equal(r.code, 400, `merge patch with ${body}: ${JSON.stringify(r.body)}`);
      }
      const put = await send("PUT", `${cms}/kept`, "null");
      assert.equal(put.code, 400, `update with null: ${JSON.stringify(put.body)}`);
      assert.equal(put.body.message, "the name of the object () does not match the name on the URL (kept)");
      assert.deepEqual(await get(`${cms}/kept`), before, "the configmap is unchanged");
    });

    it("advertises fieldValidation on writes in /openapi/v2 and /openapi/v3", async (t) => {
      if (!ready(t)) return;
      const v2 = await get("/openapi/v2");
      const item = v2.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
      for (const op of [item.put, item.patch, v2.paths["/apis/apps/v1/namespaces/{namespace}/deployments"].post]) {
        assert.ok(
          op.parameters.some((p: Json) => p.name === "fieldValidation" && p.in === "query"),
          op.operationId,
        );
      }
      assert.ok(!item.get.parameters.some((p: Json) => p.name === "fieldValidation"));
      const index = await get("/openapi/v3");
      const apps = await get(index.paths["apis/apps/v1"].serverRelativeURL);
      const patch = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"].patch;
      assert.ok(patch.parameters.some((p: Json) => p.name === "fieldValidation" && p.in === "query"));
    });

    it("kubectl: --validate=strict fails with kube's error, --validate=warn warns, valid manifests are created", async (t) => {
      if (!ready(t)) return;
      if (!KUBECTL) return t.skip("no kubectl");
      const manifest = (name: string, obj: unknown) => {
        const path = join(dir.path, name);
        writeFileSync(path, JSON.stringify(obj));
        return path;
      };
      const dep = (name: string, extra: Json = {}) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: NS },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "c", image: "nginx", ...extra }] },
          },
        },
      });
      const kubectl = (...args: string[]) => run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, ...args]);
      const bad = manifest("bad.json", dep("k-bad", { imagePullPolcy: "Always" }));
      let stderr = "";
      try {
        await kubectl("apply", "--validate=strict", "-f", bad);
        assert.fail("kubectl apply --validate=strict succeeded");
      } catch (e) {
        stderr = String((e as { stderr?: string }).stderr);
      }
      assert.match(
        stderr,
        /Error from server \(BadRequest\): error when creating ".*bad\.json": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/,
      );
      assert.equal((await send("GET", `${DEPLOYMENTS}/k-bad`)).code, 404);
      const warned = await kubectl("apply", "--validate=warn", "-f", bad);
      assert.match(warned.stderr, /Warning: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/);
      assert.match(warned.stdout, /deployment\.apps\/k-bad created/);
      // Client-side apply of a change is a strategic merge patch: Strict is the server's 422.
      const changed = manifest("bad2.json", dep("k-bad", { imagePullPolcy: "Never", image: "nginx:2" }));
      try {
        await kubectl("apply", "--validate=strict", "-f", changed);
        assert.fail("kubectl apply --validate=strict of a patch succeeded");
      } catch (e) {
        stderr = String((e as { stderr?: string }).stderr);
      }
      assert.match(
        stderr,
        /strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/,
      );
      assert.equal((await get(`${DEPLOYMENTS}/k-bad`)).spec.template.spec.containers[0].image, "nginx");
      const good = await kubectl("create", "-f", manifest("good.json", dep("k-good")));
      assert.match(good.stdout, /deployment\.apps\/k-good created/);
      assert.equal(good.stderr, "");
    });
  });
}

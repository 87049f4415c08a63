import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCD_BIN, eventually, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import protobuf from "protobufjs";
import type { RunningApiServer } from "../src/index.js";
import { adminJson, adminRequest, startAdminServer } from "./support/local-server.js";

// CRDs in /openapi/v2 (JSON and gnostic protobuf) and /openapi/v3 as
// apiextensions-apiserver publishes them, kubectl explain of a custom
// resource, and DELETE of a CRD as kube's CRD REST does it (finalizer and
// Terminating condition first), plus deletecollection of custom resources;
// on a real etcd and on brain.

const run = promisify(execFile);
const PROTOBUF_V2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const NAME = "widgets.example.com";
const CLEANUP = "customresourcecleanup.apiextensions.k8s.io";

// The part of gnostic's openapi.v2 messages this test reads (OpenAPIv2.proto's field numbers).
const GNOSTIC = protobuf
  .parse(`
syntax = "proto3";
package openapi.v2;
message Any { string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message TypeItem { repeated string value = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message Schema {
  string _ref = 1;
  string description = 4;
  repeated string required = 19;
  TypeItem type = 22;
  Properties properties = 25;
  repeated NamedAny vendor_extension = 31;
}
message Definitions { repeated NamedSchema additional_properties = 1; }
message Operation { string operation_id = 5; repeated NamedAny vendor_extension = 13; }
message PathItem { Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation patch = 8; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message Paths { repeated NamedPathItem path = 2; }
message Document { Paths paths = 8; Definitions definitions = 9; }
`)
  .root.lookupType("openapi.v2.Document");

const SPEC_SCHEMA = {
  type: "object",
  description: "WidgetSpec says how a widget is built.",
  required: ["size", "mode"],
  properties: {
    size: { type: "integer", description: "Size is the number of sprockets in the widget.", default: 3 },
    mode: { type: "string", nullable: true, description: "Mode may be null." },
    port: { "x-kubernetes-int-or-string": true, description: "Port by number or name." },
    choice: { type: "string", oneOf: [{ pattern: "^a" }, { pattern: "^b" }] },
    extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } },
    template: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object" } } },
  },
};

const crd = (specSchema: object = SPEC_SCHEMA) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: NAME },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            description: "Widget is a test kind for OpenAPI.",
            properties: {
              spec: specSchema,
              status: { type: "object", properties: { replicas: { type: "integer" } } },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: ".spec.size", statusReplicasPath: ".status.replicas" } },
      },
      {
        name: "v1beta1",
        served: true,
        storage: false,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
});

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON and protobuf documents.
type Json = any;

for (const backend of ["etcd", "brain"] as const) {
  describe(`CRD OpenAPI and deletion on ${backend}`, { timeout: 180_000 }, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-crd-openapi-");
    let kubeconfig = "";
    let etagBefore = "";

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api, kubeconfig } = await startAdminServer(backend, dir.path));
      etagBefore = String((await adminRequest(api.url, "GET", "/openapi/v2")).headers.etag);
      const made = await adminJson(api.url, "POST", CRDS, crd());
      assert.equal(made.code, 201, JSON.stringify(made.body));
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    const json = async (path: string): Promise<Json> => {
      const r = await adminJson(api!.url, "GET", path);
      assert.equal(r.code, 200, `${path}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const v2 = async () => json("/openapi/v2");
    const v3Index = async (): Promise<Record<string, { serverRelativeURL: string }>> =>
      (await json("/openapi/v3")).paths;
    const v3Doc = async (key: string) => json((await v3Index())[key]!.serverRelativeURL);
    const kubectl = async (...args: string[]) =>
      (await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir.path, "cache")}`, ...args])).stdout;

    it("publishes each served version's kind, list and paths in /openapi/v2, v2-converted", async (t) => {
      if (!api) return t.skip("no backend");
      const doc = await eventually(async () => {
        const d = await v2();
        assert.ok(d.definitions["com.example.v1.Widget"], "Widget definition published");
        return d;
      });
      const w = doc.definitions["com.example.v1.Widget"];
      assert.deepEqual(w["x-kubernetes-group-version-kind"], [{ group: "example.com", kind: "Widget", version: "v1" }]);
      assert.equal(w.description, "Widget is a test kind for OpenAPI.");
      assert.deepEqual(Object.keys(w.properties), ["apiVersion", "kind", "metadata", "spec", "status"]);
      assert.equal(w.properties.metadata.$ref, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
      assert.match(w.properties.metadata.description, /Standard object's metadata/);
      assert.equal(w.properties.apiVersion.type, "string");
      assert.match(w.properties.kind.description, /^Kind is a string value/);
      const spec = w.properties.spec;
      assert.equal(spec.properties.size.description, "Size is the number of sprockets in the widget.");
      assert.equal(spec.properties.size.default, undefined, "defaults pruned from v2");
      // v2 conversion: nullable loses its type and requiredness, junctors go, preserve-unknown-fields drops properties.
      assert.deepEqual(spec.required, ["size"]);
      assert.deepEqual(spec.properties.mode, { description: "Mode may be null." });
      assert.deepEqual(spec.properties.port, {
        description: "Port by number or name.",
        "x-kubernetes-int-or-string": true,
      });
      assert.deepEqual(spec.properties.choice, { type: "string" });
      assert.deepEqual(spec.properties.extra, { type: "object", "x-kubernetes-preserve-unknown-fields": true });
      // Embedded resources get apiVersion, kind and metadata, and require the first two.
      assert.deepEqual(Object.keys(spec.properties.template.properties), ["apiVersion", "kind", "metadata", "spec"]);
      assert.deepEqual(spec.properties.template.required, ["kind", "apiVersion"]);
      // A version preserving unknown fields at the root is only an object in v2.
      assert.deepEqual(doc.definitions["com.example.v1beta1.Widget"], {
        type: "object",
        "x-kubernetes-group-version-kind": [{ group: "example.com", kind: "Widget", version: "v1beta1" }],
      });
      const list = doc.definitions["com.example.v1.WidgetList"];
      assert.deepEqual(list["x-kubernetes-group-version-kind"], [
        { group: "example.com", kind: "WidgetList", version: "v1" },
      ]);
      assert.deepEqual(list.required, ["items"]);
      assert.equal(list.properties.items.items.$ref, "#/definitions/com.example.v1.Widget");
      assert.equal(list.properties.metadata.$ref, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");

      const base = "/apis/example.com/v1/namespaces/{namespace}/widgets";
      const ids = (p: string) =>
        Object.fromEntries(
          Object.entries(doc.paths[p] ?? {})
            .filter(([m]) => m !== "parameters")
            .map(([m, op]) => [m, (op as Json).operationId]),
        );
      assert.deepEqual(ids("/apis/example.com/v1/widgets"), { get: "listExampleComV1WidgetForAllNamespaces" });
      assert.deepEqual(ids(base), {
        get: "listExampleComV1NamespacedWidget",
        post: "createExampleComV1NamespacedWidget",
        delete: "deleteExampleComV1CollectionNamespacedWidget",
      });
      assert.deepEqual(ids(`${base}/{name}`), {
        get: "readExampleComV1NamespacedWidget",
        put: "replaceExampleComV1NamespacedWidget",
        patch: "patchExampleComV1NamespacedWidget",
        delete: "deleteExampleComV1NamespacedWidget",
      });
      assert.deepEqual(ids(`${base}/{name}/status`), {
        get: "readExampleComV1NamespacedWidgetStatus",
        put: "replaceExampleComV1NamespacedWidgetStatus",
        patch: "patchExampleComV1NamespacedWidgetStatus",
      });
      const scale = doc.paths[`${base}/{name}/scale`];
      assert.equal(scale.get.responses["200"].schema.$ref, "#/definitions/io.k8s.api.autoscaling.v1.Scale");
      // Every CRD operation carries the custom resource's GVK, scale's too.
      assert.deepEqual(scale.get["x-kubernetes-group-version-kind"], {
        group: "example.com",
        kind: "Widget",
        version: "v1",
      });
      assert.equal(doc.paths[base].get.description, "list objects of kind Widget");
      assert.ok(!doc.paths[`${base}/{name}`].patch.consumes.includes("application/strategic-merge-patch+json"));
      assert.ok(doc.paths["/apis/example.com/v1beta1/namespaces/{namespace}/widgets/{name}"], "v1beta1 paths");
      assert.equal(doc.paths["/apis/example.com/v1/"], undefined, "no group-version discovery path for CRDs");
    });

    it("serves the same document as protobuf, under the same new ETag", async (t) => {
      if (!api) return t.skip("no backend");
      const jsonReply = await adminRequest(api.url, "GET", "/openapi/v2", { accept: "application/json" });
      const proto = await adminRequest(api.url, "GET", "/openapi/v2", { accept: PROTOBUF_V2 });
      assert.equal(proto.code, 200);
      assert.equal(proto.headers.etag, jsonReply.headers.etag);
      assert.notEqual(jsonReply.headers.etag, etagBefore, "the CRD changed the v2 ETag");
      const doc = GNOSTIC.toObject(GNOSTIC.decode(proto.body), { defaults: false }) as Json;
      const defs = new Map<string, Json>(doc.definitions.additionalProperties.map((d: Json) => [d.name, d.value]));
      const w = defs.get("com.example.v1.Widget");
      assert.ok(w, "Widget in the protobuf document");
      const gvk = w.vendorExtension.find((x: Json) => x.name === "x-kubernetes-group-version-kind");
      assert.deepEqual(JSON.parse(gvk.value.yaml), [{ group: "example.com", kind: "Widget", version: "v1" }]);
      const spec = w.properties.additionalProperties.find((p: Json) => p.name === "spec").value;
      const size = spec.properties.additionalProperties.find((p: Json) => p.name === "size").value;
      assert.equal(size.description, "Size is the number of sprockets in the widget.");
      assert.deepEqual(size.type.value, ["integer"]);
      const paths = new Map<string, Json>(doc.paths.path.map((p: Json) => [p.name, p.value]));
      assert.equal(
        paths.get("/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale")?.get.operationId,
        "readExampleComV1NamespacedWidgetScale",
      );
    });

    it("serves a /openapi/v3 document per CRD group version, with v3 schemas", async (t) => {
      if (!api) return t.skip("no backend");
      const index = await eventually(async () => {
        const i = await v3Index();
        assert.ok(i["apis/example.com/v1"], "apis/example.com/v1 in the v3 index");
        return i;
      });
      assert.match(
        index["apis/example.com/v1"]!.serverRelativeURL,
        /^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]{128}$/,
      );
      assert.ok(index["apis/example.com/v1beta1"], "apis/example.com/v1beta1 in the v3 index");
      assert.equal(index["apis/example.com"], undefined, "no group document for CRD groups");
      const doc = await v3Doc("apis/example.com/v1");
      assert.deepEqual(doc.info, { title: "Kubernetes CRD Swagger", version: "v0.1.0" });
      const schemas = doc.components.schemas;
      const w = schemas["com.example.v1.Widget"];
      assert.deepEqual(w["x-kubernetes-group-version-kind"], [{ group: "example.com", kind: "Widget", version: "v1" }]);
      assert.deepEqual(w.properties.metadata.allOf, [
        { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
      ]);
      const spec = w.properties.spec;
      // v3 keeps what v2 drops: defaults, nullable, junctors, unfolded int-or-string.
      assert.equal(spec.properties.size.default, 3);
      assert.deepEqual(spec.required, ["size", "mode"]);
      assert.deepEqual(spec.properties.mode, { type: "string", description: "Mode may be null.", nullable: true });
      assert.deepEqual(spec.properties.port.anyOf, [{ type: "integer" }, { type: "string" }]);
      assert.deepEqual(spec.properties.choice.oneOf, [{ pattern: "^a" }, { pattern: "^b" }]);
      assert.deepEqual(spec.properties.extra.properties, { a: { type: "string" } });
      assert.ok(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"], "ObjectMeta among the schemas");
      assert.ok(schemas["io.k8s.api.autoscaling.v1.Scale"], "Scale among the schemas");
      assert.equal(schemas["io.k8s.api.apps.v1.Deployment"], undefined, "only what the paths reach");
      const scale = doc.paths["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale"];
      assert.equal(
        scale.get.responses["200"].content["application/json"].schema.$ref,
        "#/components/schemas/io.k8s.api.autoscaling.v1.Scale",
      );
      const beta = (await v3Doc("apis/example.com/v1beta1")).components.schemas["com.example.v1beta1.Widget"];
      assert.equal(beta["x-kubernetes-preserve-unknown-fields"], true);
      assert.deepEqual(Object.keys(beta.properties), ["apiVersion", "kind", "metadata"]);
    });

    it("changes the group version's hash and the v2 ETag when the CRD changes", async (t) => {
      if (!api) return t.skip("no backend");
      const before = (await v3Index())["apis/example.com/v1"]!.serverRelativeURL;
      const betaBefore = (await v3Index())["apis/example.com/v1beta1"]!.serverRelativeURL;
      const etag = (await adminRequest(api.url, "GET", "/openapi/v2")).headers.etag;
      const current = await json(`${CRDS}/${NAME}`);
      const color = { type: "string", description: "Color of the widget's casing." };
      const next = { ...current, spec: crd({ ...SPEC_SCHEMA, properties: { ...SPEC_SCHEMA.properties, color } }).spec };
      const put = await adminJson(api.url, "PUT", `${CRDS}/${NAME}`, next);
      assert.equal(put.code, 200, JSON.stringify(put.body));
      const after = await eventually(async () => {
        const url = (await v3Index())["apis/example.com/v1"]!.serverRelativeURL;
        assert.notEqual(url, before, "the v1 hash moved");
        return url;
      });
      assert.equal((await v3Index())["apis/example.com/v1beta1"]!.serverRelativeURL, betaBefore, "v1beta1 unchanged");
      const doc = await json(after);
      assert.equal(
        doc.components.schemas["com.example.v1.Widget"].properties.spec.properties.color.description,
        color.description,
      );
      // The old hash now redirects to the current one.
      const old = await adminRequest(api.url, "GET", before, { accept: "application/json" });
      assert.equal(old.code, 301);
      assert.equal(old.headers.location, after);
      assert.notEqual((await adminRequest(api.url, "GET", "/openapi/v2")).headers.etag, etag, "the v2 ETag moved");
      assert.ok((await v2()).definitions["com.example.v1.Widget"].properties.spec.properties.color, "color in v2");
    });

    it("kubectl explain shows the CRD's descriptions (v3, and v2 protobuf)", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL) return t.skip("no kubectl");
      const kind = await kubectl("explain", "widgets");
      assert.match(kind, /KIND:\s+Widget/);
      assert.match(kind, /Widget is a test kind for OpenAPI\./);
      assert.match(kind, /spec\t<Object>/);
      const size = await kubectl("explain", "widgets.spec.size");
      assert.match(size, /FIELD:\s+size <integer>/);
      assert.match(size, /Size is the number of sprockets in the widget\./);
      const v2size = await kubectl("explain", "widgets.spec.size", "--output=plaintext-openapiv2");
      assert.match(v2size, /Size is the number of sprockets in the widget\./);
    });

    it("deletes custom resources by label selector with deletecollection", async (t) => {
      if (!api) return t.skip("no backend");
      const path = "/apis/example.com/v1/namespaces/default/widgets";
      for (const [name, tier] of [
        ["a1", "a"],
        ["a2", "a"],
        ["b1", "b"],
      ] as const) {
        const r = await adminJson(api.url, "POST", path, {
          apiVersion: "example.com/v1",
          kind: "Widget",
          metadata: { name, labels: { tier } },
          spec: { size: 1, mode: null },
        });
        assert.equal(r.code, 201, JSON.stringify(r.body));
      }
      const dry = await adminJson(api.url, "DELETE", `${path}?labelSelector=tier%3Da&dryRun=All`);
      assert.equal(dry.code, 200, JSON.stringify(dry.body));
      assert.equal((await json(path)).items.length, 3, "dry run deleted nothing");
      const del = await adminJson(api.url, "DELETE", `${path}?labelSelector=tier%3Da`);
      assert.equal(del.code, 200, JSON.stringify(del.body));
      assert.equal(del.body.kind, "WidgetList");
      assert.deepEqual(del.body.items.map((i: Json) => i.metadata.name).sort(), ["a1", "a2"]);
      assert.deepEqual(
        (await json(path)).items.map((i: Json) => i.metadata.name),
        ["b1"],
      );
      const all = await adminJson(api.url, "DELETE", "/apis/example.com/v1/widgets");
      assert.equal(all.code, 405, "no collection delete across namespaces");
    });

    it("DELETE of a CRD: dry run and failed preconditions change nothing", async (t) => {
      if (!api) return t.skip("no backend");
      const stored = await json(`${CRDS}/${NAME}`);
      const dry = await adminJson(api.url, "DELETE", `${CRDS}/${NAME}?dryRun=All`);
      assert.equal(dry.code, 200, JSON.stringify(dry.body));
      assert.ok(dry.body.metadata.deletionTimestamp, "the answer shows it deleting");
      assert.deepEqual(dry.body.metadata.finalizers, [CLEANUP]);
      const now = await json(`${CRDS}/${NAME}`);
      assert.equal(now.metadata.deletionTimestamp, undefined);
      assert.equal(now.metadata.finalizers, undefined);
      assert.equal(now.metadata.resourceVersion, stored.metadata.resourceVersion, "nothing written");
      const wrong = await adminJson(api.url, "DELETE", `${CRDS}/${NAME}`, {
        kind: "DeleteOptions",
        apiVersion: "v1",
        preconditions: { uid: "00000000-0000-0000-0000-000000000000" },
      });
      assert.equal(wrong.code, 409, JSON.stringify(wrong.body));
      assert.equal(
        wrong.body.message,
        `Operation cannot be fulfilled on customresourcedefinitions.apiextensions.k8s.io "${NAME}": Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: ${stored.metadata.uid}`,
      );
      assert.equal((await json(`${CRDS}/${NAME}`)).metadata.deletionTimestamp, undefined);
    });

    it("DELETE of a CRD adds the cleanup finalizer and InstanceDeletionPending; instances go, then the CRD and its OpenAPI", async (t) => {
      if (!api) return t.skip("no backend");
      const prefix = "/registry/example.com/widgets/";
      assert.ok((await api.storage.list(prefix)).items.length > 0, "an instance is stored");
      const del = await adminJson(api.url, "DELETE", `${CRDS}/${NAME}`);
      assert.equal(del.code, 200, JSON.stringify(del.body));
      assert.deepEqual(del.body.metadata.finalizers, [CLEANUP]);
      assert.ok(del.body.metadata.deletionTimestamp, "deletionTimestamp set");
      const terminating = del.body.status.conditions.find((c: Json) => c.type === "Terminating");
      assert.deepEqual(
        [terminating.status, terminating.reason, terminating.message],
        [
          "True",
          "InstanceDeletionPending",
          "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
        ],
      );
      await eventually(async () => {
        const r = await adminJson(api!.url, "GET", `${CRDS}/${NAME}`);
        assert.equal(r.code, 404, `CRD still there: ${JSON.stringify(r.body?.status?.conditions)}`);
      });
      assert.equal((await api.storage.list(prefix)).items.length, 0, "instances deleted before the CRD went");
      await eventually(async () => {
        const doc = await v2();
        assert.equal(doc.definitions["com.example.v1.Widget"], undefined, "Widget gone from v2");
        assert.equal(doc.paths["/apis/example.com/v1/widgets"], undefined, "paths gone from v2");
        const index = await v3Index();
        assert.equal(index["apis/example.com/v1"], undefined, "group version gone from the v3 index");
      });
      const gone = await adminRequest(api.url, "GET", "/openapi/v3/apis/example.com/v1", {
        accept: "application/json",
      });
      assert.equal(gone.code, 404);
      assert.equal(
        (await adminRequest(api.url, "GET", "/openapi/v2")).headers.etag,
        etagBefore,
        "v2 as before the CRD",
      );
    });
  });
}

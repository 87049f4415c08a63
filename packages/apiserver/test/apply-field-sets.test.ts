import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StatusError } from "@wharf/apimachinery";
import { parseApplyBody } from "../src/endpoints/apply/apply-endpoint.js";
import { applyConfiguration, recordUpdate, scopeFor } from "../src/endpoints/apply/field-manager.js";
import { FieldSet, field, keyed, pathString } from "../src/endpoints/apply/field-path.js";
import { capUpdateManagers, decodeManagedFields, encodeManagedFields } from "../src/endpoints/apply/managed-fields.js";
import { prefixFromUserAgent } from "../src/endpoints/apply/manager-name.js";
import { typeOf } from "../src/endpoints/apply/type-schema.js";
import { compare, merge, toFieldSet } from "../src/endpoints/apply/typed-value.js";
import { builtinResources } from "../src/registry/builtin-resources.js";
import type { KubeObject } from "../src/registry/generic-store.js";

// The field sets, typed merge and field manager of server-side apply, on
// their own: FieldsV1 encoding, list semantics from the patch facts,
// ownership moves, pruning and conflicts.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON.
type Json = any;

const deploymentDef = builtinResources.find((d) => d.group === "apps" && d.kind === "Deployment")!;
const configMapDef = builtinResources.find((d) => d.group === "" && d.kind === "ConfigMap")!;
const podType = typeOf("v1", "Pod");

const deploy = (spec: Json, labels: Record<string, string> = { app: "web" }): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels },
  spec,
});

describe("field paths and FieldsV1", () => {
  it("prints paths and encodes sets as kube does, '.' marking a member with children", () => {
    const item = [field("spec"), field("containers"), keyed([["name", "c"]])];
    const port = [
      ...item,
      field("ports"),
      keyed([
        ["protocol", "TCP"],
        ["containerPort", 80],
      ]),
    ];
    assert.equal(
      pathString([...port, field("containerPort")]),
      '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"].containerPort',
    );
    const set = new FieldSet([
      item,
      [...item, field("image")],
      [...port],
      [field("spec"), field("finalizers"), { kind: "v", value: "a" }],
    ]);
    const v1 = set.toFieldsV1();
    assert.deepEqual(v1, {
      "f:spec": {
        "f:containers": {
          'k:{"name":"c"}': { ".": {}, "f:image": {}, "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': {} } },
        },
        "f:finalizers": { 'v:"a"': {} },
      },
    });
    assert.ok(FieldSet.fromFieldsV1(v1).equals(set));
    assert.deepEqual(Object.keys((v1["f:spec"] as Json)["f:containers"]['k:{"name":"c"}']), [
      ".",
      "f:image",
      "f:ports",
    ]);
  });

  it("orders managedFields entries by operation, time and manager, and caps update managers", () => {
    const managed = decodeManagedFields([
      {
        manager: "b",
        operation: "Update",
        apiVersion: "v1",
        time: "2024-01-01T00:00:02Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:x": {} } },
      },
      {
        manager: "a",
        operation: "Update",
        apiVersion: "v1",
        time: "2024-01-01T00:00:02Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:y": {} } },
      },
      {
        manager: "z",
        operation: "Apply",
        apiVersion: "v1",
        time: "2024-01-01T00:00:09Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:z": {} } },
      },
    ]);
    assert.deepEqual(
      encodeManagedFields(managed).map((e) => e.manager),
      ["z", "a", "b"],
    );
    capUpdateManagers(managed, 1);
    const names = encodeManagedFields(managed).map((e) => [e.manager, e.fieldsV1]);
    assert.deepEqual(names, [
      ["z", { "f:data": { "f:z": {} } }],
      ["ancient-changes", { "f:data": { "f:x": {}, "f:y": {} } }],
    ]);
  });

  it("takes the manager name from the user agent's product", () => {
    assert.equal(prefixFromUserAgent("kubectl/v1.32.4 (linux/amd64) kubernetes/abc"), "kubectl");
    assert.equal(prefixFromUserAgent("my\u0007ctl/1"), "myctl");
    assert.equal(prefixFromUserAgent("x".repeat(200)).length, 128);
  });
});

describe("typed values", () => {
  it("sets fields by the type: atomic selector, keyed containers and ports (protocol defaulted), granular labels", () => {
    const set = toFieldSet(
      deploy({
        selector: { matchLabels: { app: "web" } },
        template: { spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }], args: ["a", "b"] }] } },
      }),
      typeOf("apps/v1", "Deployment"),
    );
    assert.deepEqual(set.toFieldsV1(), {
      "f:apiVersion": {},
      "f:kind": {},
      "f:metadata": { "f:labels": { "f:app": {} }, "f:name": {} },
      "f:spec": {
        "f:selector": {},
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"c"}': {
                ".": {},
                "f:args": {},
                "f:name": {},
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
              },
            },
          },
        },
      },
    });
  });

  it("compares item by item, a new map or item being added as a whole", () => {
    const before = { metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "x" }] } };
    const after = {
      metadata: { name: "p", labels: { k: "v" } },
      spec: {
        containers: [
          { name: "a", image: "y" },
          { name: "b", image: "z" },
        ],
      },
    };
    const c = compare(before, after, podType);
    assert.deepEqual(c.added.list().map(pathString), [
      ".metadata.labels",
      ".metadata.labels.k",
      '.spec.containers[name="b"]',
      '.spec.containers[name="b"].image',
      '.spec.containers[name="b"].name',
    ]);
    assert.deepEqual(c.modified.list().map(pathString), ['.spec.containers[name="a"].image']);
    assert.deepEqual(compare(after, before, podType).removed.list().map(pathString).length, 5);
  });

  it("merges keyed lists by key and sets by value, keeping live-only items in place", () => {
    const live = {
      spec: {
        containers: [
          { name: "a", image: "1", env: [{ name: "X", value: "1" }] },
          { name: "sidecar", image: "s" },
        ],
        tolerations: [{ key: "t" }],
      },
      metadata: { finalizers: ["f1"] },
    };
    const config = {
      spec: {
        containers: [
          { name: "a", image: "2" },
          { name: "b", image: "3" },
        ],
        tolerations: [{ key: "u" }],
      },
      metadata: { finalizers: ["f2"] },
    };
    const out = merge(live, config, podType) as Json;
    assert.deepEqual(
      out.spec.containers.map((c: Json) => [c.name, c.image]),
      [
        ["a", "2"],
        ["sidecar", "s"],
        ["b", "3"],
      ],
    );
    assert.deepEqual(out.spec.containers[0].env, [{ name: "X", value: "1" }]);
    // tolerations are atomic: replaced; finalizers a set: unioned.
    assert.deepEqual(out.spec.tolerations, [{ key: "u" }]);
    assert.deepEqual(out.metadata.finalizers, ["f1", "f2"]);
  });
});

describe("field manager", () => {
  const scope = scopeFor(deploymentDef);
  const base = {
    selector: { matchLabels: { app: "web" } },
    template: { spec: { containers: [{ name: "c", image: "i" }] } },
  };

  it("moves ownership to the updater of a field and conflicts the applier on it; force takes it back", () => {
    const created = applyConfiguration(scope, undefined, deploy({ ...base, replicas: 2 }), "ci", false).object;
    const scaled = structuredClone(created) as Json;
    scaled.spec.replicas = 4;
    recordUpdate(scopeFor(deploymentDef, "scale"), created, scaled, "hpa");
    const managers = scaled.metadata.managedFields.map((e: Json) => [
      e.manager,
      e.operation,
      e.subresource,
      e.fieldsV1,
    ]);
    assert.deepEqual(managers[1], ["hpa", "Update", "scale", { "f:spec": { "f:replicas": {} } }]);
    assert.equal(managers[0][3]["f:spec"]["f:replicas"], undefined);
    assert.throws(
      () => applyConfiguration(scope, scaled, deploy({ ...base, replicas: 3 }), "ci", false),
      (e: StatusError) =>
        e.status.code === 409 &&
        e.status.message ===
          'Apply failed with 1 conflict: conflict with "hpa" with subresource "scale" using apps/v1: .spec.replicas',
    );
    // The same value is no conflict: both own it.
    const same = applyConfiguration(scope, scaled, deploy({ ...base, replicas: 4 }), "ci", false).object as Json;
    assert.equal(same.metadata.managedFields.length, 2);
    const forced = applyConfiguration(scope, scaled, deploy({ ...base, replicas: 3 }), "ci", true).object as Json;
    assert.equal(forced.spec.replicas, 3);
    assert.deepEqual(
      forced.metadata.managedFields.map((e: Json) => e.manager),
      ["ci"],
    );
  });

  it("lists several conflicts per manager", () => {
    const cm = (data: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data,
    });
    const s = scopeFor(configMapDef);
    const live = applyConfiguration(s, undefined, cm({ a: "1", b: "2" }), "one", false).object;
    assert.throws(
      () => applyConfiguration(s, live, cm({ a: "9", b: "9" }), "two", false),
      (e: StatusError) => {
        assert.equal(e.status.message, 'Apply failed with 2 conflicts: conflicts with "one":\n- .data.a\n- .data.b');
        assert.deepEqual(
          e.status.details?.causes?.map((c) => c.field),
          [".data.a", ".data.b"],
        );
        return true;
      },
    );
  });

  it("prunes what the applier dropped unless another manager owns it", () => {
    const s = scopeFor(configMapDef);
    const cm = (data: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data,
    });
    let live = applyConfiguration(s, undefined, cm({ a: "1", b: "2", c: "3" }), "one", false).object;
    live = applyConfiguration(s, live, cm({ b: "2" }), "two", false).object;
    const out = applyConfiguration(s, live, cm({}), "one", false).object as Json;
    assert.deepEqual(out.data, { b: "2" });
  });

  it("records an update's changes, and resets managedFields on [{}]", () => {
    const s = scopeFor(configMapDef);
    const live = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } } as KubeObject;
    const created = structuredClone(live) as Json;
    recordUpdate(s, undefined, created, "kubectl-create");
    assert.deepEqual(created.metadata.managedFields[0].fieldsV1, { "f:data": { ".": {}, "f:a": {} } });
    const next = structuredClone(created) as Json;
    next.data.b = "2";
    next.metadata.managedFields = [{}];
    recordUpdate(s, created, next, "editor");
    assert.deepEqual(
      next.metadata.managedFields.map((e: Json) => [e.manager, e.fieldsV1]),
      [["editor", { "f:data": { "f:b": {} } }]],
    );
  });

  it("reads apply bodies as YAML 1.1", () => {
    assert.deepEqual(parseApplyBody("a: on\nb: 010\nc: '010'\n"), { a: true, b: 8, c: "010" });
    assert.throws(() => parseApplyBody("- 1\n"), /cannot unmarshal array/);
  });
});

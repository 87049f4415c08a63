import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { desiredStatus } from "../src/apiextensions/crd-conditions.js";
import { type Crd, validateCrd } from "../src/apiextensions/crd-validation.js";
import { applySchemaDefaults } from "../src/apiextensions/defaulting.js";
import type { JSONSchemaProps } from "../src/apiextensions/json-schema.js";
import { compareKubeVersions } from "../src/apiextensions/kube-versions.js";
import { pruneUnknownFields } from "../src/apiextensions/pruning.js";
import { validateAgainstSchema } from "../src/apiextensions/schema-validation.js";

// The schema machinery of custom resources on its own: kube-openapi's
// validation with apiextensions-apiserver's field errors, pruning, defaulting,
// CRD validation paths, naming conditions and version priority.

const errors = (s: JSONSchemaProps, v: unknown) => validateAgainstSchema(s, v).map((e) => e.toString());

const obj = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: "object",
  properties,
  ...extra,
});

describe("custom resource schema validation", () => {
  it("reports wrong types with the JSON type name, as kube does", () => {
    const s = obj({ spec: obj({ replicas: { type: "integer" }, ratio: { type: "number" }, on: { type: "boolean" } }) });
    assert.deepEqual(errors(s, { spec: { replicas: "3", ratio: 1, on: "yes" } }), [
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'spec.on: Invalid value: "string": spec.on in body must be of type boolean: "string"',
    ]);
    // A float where an integer is due; an integer is a number.
    assert.deepEqual(errors(s, { spec: { replicas: 2.5, ratio: 2 } }), [
      'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
    ]);
    assert.deepEqual(errors(s, { spec: [] }), [
      'spec: Invalid value: "array": spec in body must be of type object: "array"',
    ]);
  });

  it("checks required, enum, bounds, lengths, patterns, items and formats with their kube texts", () => {
    const s = obj(
      {
        name: { type: "string", minLength: 3, maxLength: 5, pattern: "^[a-z]+$" },
        size: { type: "integer", minimum: 1, maximum: 9, exclusiveMaximum: true },
        mode: { type: "string", enum: ["a", "b"] },
        level: { type: "integer", enum: [1, 2] },
        tags: { type: "array", maxItems: 2, minItems: 1, items: { type: "string" } },
        id: { type: "string", format: "uuid" },
        when: { type: "string", format: "date-time" },
        anything: { type: "string", format: "not-a-kube-format" },
      },
      { required: ["name", "mode"] },
    );
    assert.deepEqual(errors(s, {}), ["name: Required value", "mode: Required value"]);
    assert.deepEqual(
      errors(s, {
        name: "ab",
        size: 9,
        mode: "c",
        level: 3,
        tags: ["x", 1, "z"],
        id: "nope",
        when: "2024-13-01T00:00:00Z",
        anything: "free",
      }),
      [
        'name: Invalid value: "ab": name in body should be at least 3 chars long',
        "size: Invalid value: 9: size in body should be less than 9",
        'mode: Unsupported value: "c": supported values: "a", "b"',
        'level: Unsupported value: 3: supported values: "1", "2"',
        'tags[1]: Invalid value: "integer": tags[1] in body must be of type string: "integer"',
        "tags: Too many: 3: must have at most 2 items",
        'id: Invalid value: "nope": id in body must be of type uuid: "nope"',
        'when: Invalid value: "2024-13-01T00:00:00Z": when in body must be of type date-time: "2024-13-01T00:00:00Z"',
      ],
    );
    assert.deepEqual(errors(s, { name: "abcdef", mode: "a" }), ["name: Too long: may not be longer than 5"]);
    assert.deepEqual(errors(s, { name: "AB1", mode: "a", tags: [] }), [
      "name: Invalid value: \"AB1\": name in body should match '^[a-z]+$'",
      "tags: Invalid value: 0: tags in body should have at least 1 items",
    ]);
    assert.deepEqual(errors(s, { name: "abc", mode: "b", id: "123e4567-e89b-12d3-a456-426614174000" }), []);
  });

  it("takes null only where nullable, and both kinds for int-or-string", () => {
    const s = obj({
      a: { type: "string", nullable: true },
      b: { type: "string" },
      p: { "x-kubernetes-int-or-string": true },
    });
    assert.deepEqual(errors(s, { a: null, p: 80 }), []);
    assert.deepEqual(errors(s, { p: "http" }), []);
    assert.deepEqual(errors(s, { b: null, p: false }), [
      'b: Invalid value: "null": b in body must be of type string: "null"',
      'p: Invalid value: "boolean": p in body must be of type integer,string: "boolean"',
    ]);
  });
});

describe("custom resource pruning and defaulting", () => {
  const schema = obj({
    spec: obj({
      replicas: { type: "integer", default: 1 },
      template: {
        type: "object",
        "x-kubernetes-preserve-unknown-fields": true,
        properties: { known: obj({ x: { type: "string" } }) },
      },
      embedded: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: obj({}) } },
      labels: { type: "object", additionalProperties: { type: "string" } },
      items: { type: "array", items: obj({ name: { type: "string" }, port: { type: "integer", default: 80 } }) },
      gone: { type: "string" },
    }),
  });

  it("drops unknown fields except apiVersion, kind, metadata and preserved subtrees", () => {
    const o = {
      apiVersion: "x/v1",
      kind: "K",
      metadata: { name: "n", labels: { a: "b" } },
      extra: 1,
      spec: {
        unknown: true,
        template: { free: { form: 1 }, known: { x: "y", pruned: 2 } },
        embedded: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { dropped: 1 }, other: 1 },
        labels: { any: "thing" },
        items: [{ name: "a", junk: 1 }],
      },
    };
    pruneUnknownFields(o, schema);
    assert.deepEqual(o, {
      apiVersion: "x/v1",
      kind: "K",
      metadata: { name: "n", labels: { a: "b" } },
      spec: {
        template: { free: { form: 1 }, known: { x: "y" } },
        embedded: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} },
        labels: { any: "thing" },
        items: [{ name: "a" }],
      },
    });
  });

  it("applies defaults top down and drops non-nullable nulls without one", () => {
    const o: Record<string, unknown> = { spec: { items: [{ name: "a" }, { name: "b", port: 8080 }], gone: null } };
    applySchemaDefaults(o, schema);
    assert.deepEqual(o, {
      spec: {
        replicas: 1,
        items: [
          { name: "a", port: 80 },
          { name: "b", port: 8080 },
        ],
      },
    });
    const withNull: Record<string, unknown> = { spec: { replicas: null } };
    applySchemaDefaults(withNull, schema);
    assert.deepEqual(withNull, { spec: { replicas: 1 } });
  });
});

const baseCrd = (versions: unknown[]): Crd =>
  ({
    metadata: { name: "foos.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "foos", singular: "foo", kind: "Foo", listKind: "FooList" },
      versions,
    },
    status: { storedVersions: ["v1"] },
  }) as unknown as Crd;

describe("CustomResourceDefinition validation", () => {
  it("reports a shared schema under spec.validation and per-version ones under spec.versions[i]", () => {
    const broken = { openAPIV3Schema: { type: "object", properties: { spec: { properties: {} } } } };
    const shared = validateCrd(baseCrd([{ name: "v1", served: true, storage: true, schema: broken }])).map(String);
    assert.deepEqual(shared, [
      "spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
    ]);
    const perVersion = validateCrd(
      baseCrd([
        { name: "v1", served: true, storage: true, schema: broken },
        { name: "v2", served: true, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
      ]),
    ).map(String);
    assert.deepEqual(perVersion, [
      "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
    ]);
    const noSchema = validateCrd(baseCrd([{ name: "v1", served: true, storage: true }])).map(String);
    assert.deepEqual(noSchema, ["spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"]);
  });

  it("checks group, scope, version names and the root of the schema", () => {
    const crd = baseCrd([
      {
        name: "V1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "array", items: { type: "string" } } },
      },
    ]);
    crd.spec.group = "nodot";
    crd.spec.scope = "Global";
    crd.metadata.name = "foos.nodot";
    const errs = validateCrd(crd).map(String);
    assert.ok(
      errs.includes('spec.group: Invalid value: "nodot": should be a domain with at least one dot'),
      errs.join("\n"),
    );
    assert.ok(errs.includes('spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'));
    assert.ok(
      errs.some((e) =>
        e.startsWith('spec.versions[0].name: Invalid value: "V1": a DNS-1035 label must consist of lower case'),
      ),
    );
    assert.ok(
      errs.includes('spec.validation.openAPIV3Schema.type: Invalid value: "array": must be object at the root'),
    );
  });
});

describe("CRD naming conditions and version priority", () => {
  it("accepts fresh names and refuses a plural another CRD of the group holds", () => {
    const crd = baseCrd([]);
    const fresh = desiredStatus(crd, []);
    assert.deepEqual(
      fresh?.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ["NamesAccepted", "True", "NoConflicts"],
        ["Established", "True", "InitialNamesAccepted"],
      ],
    );
    const holder = { ...baseCrd([]), metadata: { name: "other.example.com" } } as Crd;
    holder.status = { acceptedNames: { plural: "foos", kind: "Other" } };
    const clash = desiredStatus(crd, [holder]);
    assert.deepEqual(
      clash?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ["NamesAccepted", "False", "PluralConflict", '"foos" is already in use'],
        ["Established", "False", "NotAccepted", "not all names are accepted"],
      ],
    );
    assert.equal(clash?.acceptedNames?.plural, "");
  });

  it("orders versions GA, beta, alpha, then the rest", () => {
    assert.deepEqual(
      ["v1alpha1", "foo", "v1", "v2beta1", "v10", "v2", "v1beta2", "v11alpha2"].sort(compareKubeVersions),
      ["v10", "v2", "v1", "v2beta1", "v1beta2", "v11alpha2", "v1alpha1", "foo"],
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { desiredStatus } from "../src/apiextensions/crd-conditions.js";
import { type Crd, validateCrd } from "../src/apiextensions/crd-validation.js";
import { normalizeCustomResource, validateCustomResource } from "../src/apiextensions/custom-resource-strategy.js";
import { applySchemaDefaults } from "../src/apiextensions/defaulting.js";
import { validateEmbeddedResources } from "../src/apiextensions/embedded-resources.js";
import type { JSONSchemaProps } from "../src/apiextensions/json-schema.js";
import { compareKubeVersions } from "../src/apiextensions/kube-versions.js";
import { validateListSetsAndMaps } from "../src/apiextensions/list-type-validation.js";
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

describe("x-kubernetes-list-type", () => {
  const lists: JSONSchemaProps = obj({
    spec: obj({
      tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
      ports: {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["port"],
        items: obj({ port: { type: "integer" }, name: { type: "string" } }, { required: ["port"] }),
      },
      routes: {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["host", "path"],
        items: obj({ host: { type: "string" }, path: { type: "string" } }),
      },
      groups: {
        type: "object",
        additionalProperties: { type: "array", "x-kubernetes-list-type": "set", items: { type: "integer" } },
      },
      plain: { type: "array", items: { type: "string" } },
    }),
  });
  const listErrors = (v: Record<string, unknown>) => validateListSetsAndMaps(lists, v).map(String);

  it("reports the second appearance of a set element or a map key, as kube prints it", () => {
    assert.deepEqual(
      listErrors({
        spec: {
          tags: ["a", "b", "a", "a", "b"],
          ports: [{ port: 80, name: "x" }, { port: 443 }, { port: 80, name: "y" }],
          routes: [{ host: "h", path: "/" }, { path: "/", host: "h" }, { host: "h" }, {}, { host: "h", path: "/x" }],
          groups: { g: [1, 2, 1] },
          plain: ["a", "a"],
        },
      }),
      [
        'spec.tags[2]: Duplicate value: "a"',
        'spec.tags[4]: Duplicate value: "b"',
        'spec.ports[2]: Duplicate value: map[string]interface {}{"port":80}',
        'spec.routes[1]: Duplicate value: map[string]interface {}{"host":"h", "path":"/"}',
        "spec.groups[g][2]: Duplicate value: 1",
      ],
    );
    // Items without the key field share the "unspecified" key; null items too.
    const s = (lists.properties?.spec?.properties ?? {}) as Record<string, JSONSchemaProps>;
    assert.deepEqual(
      validateListSetsAndMaps(obj({ ports: s.ports! }), {
        ports: [{ name: "a" }, null, { port: null }, { port: null }],
      }).map(String),
      [
        "ports[1]: Duplicate value: map[string]interface {}{}",
        'ports[3]: Duplicate value: map[string]interface {}{"port":interface {}(nil)}',
      ],
    );
    // Objects in a set compare by content, whatever their key order.
    const set = obj({ s: { type: "array", "x-kubernetes-list-type": "set", items: { type: "object" } } });
    assert.deepEqual(
      validateListSetsAndMaps(set, { s: [{ a: 1, b: [true] }, { b: [true], a: 1 }, { a: 1.5 }] }).map(String),
      ['spec.s[1]: Duplicate value: map[string]interface {}{"a":1, "b":[]interface {}{true}}'.slice(5)],
    );
    // A map list holds objects only: the first other item is the one error.
    assert.deepEqual(
      validateListSetsAndMaps(obj({ ports: s.ports! }), { ports: [{ port: 1 }, "x", 3, { port: 1 }] }).map(String),
      ['ports[1]: Invalid value: "x": must be an object for an array of list-type map'],
    );
    assert.deepEqual(listErrors({ spec: { tags: ["a", "b"], ports: [{ port: 80 }, { port: 81 }] } }), []);
  });

  it("checks a custom resource's lists on create, and on update only if the stored ones were unique", () => {
    const version = { name: "v1", served: true, storage: true };
    const cr = (tags: string[]) => ({ apiVersion: "example.com/v1", kind: "Foo", spec: { tags } });
    const schema = { schema: lists, preserveUnknownFields: false };
    assert.deepEqual(validateCustomResource(cr(["a", "a"]), schema, version).map(String), [
      'spec.tags[1]: Duplicate value: "a"',
    ]);
    assert.deepEqual(validateCustomResource(cr(["a", "a"]), schema, version, cr(["a", "b"])).map(String), [
      'spec.tags[1]: Duplicate value: "a"',
    ]);
    // Stored before the rule: updates may keep the duplicates (kube's ratcheting).
    assert.deepEqual(validateCustomResource(cr(["b", "b"]), schema, version, cr(["a", "a"])), []);
  });

  it("validates a CRD's list and map types, with ratcheting for the rules added later", () => {
    const crdWith = (props: Record<string, JSONSchemaProps>) =>
      baseCrd([{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: obj(props) } }]);
    const at = "spec.validation.openAPIV3Schema.properties";
    const bad = crdWith({
      a: { type: "string", "x-kubernetes-list-type": "set" },
      b: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "bag" },
      c: { type: "array", items: { type: "string" }, "x-kubernetes-list-map-keys": ["k"] },
      d: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "map" },
      e: {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["k", "o", "x", "k"],
        items: obj({ k: { type: "string", nullable: true }, o: { type: "object" } }, { required: ["o"] }),
      },
      f: { type: "array", "x-kubernetes-list-type": "set", items: obj({ x: { type: "string" } }) },
      g: { type: "object", "x-kubernetes-map-type": "loose" },
    });
    assert.deepEqual(validateCrd(bad).map(String), [
      `${at}[a].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified`,
      `${at}[b].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
      `${at}[c].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
      `${at}[d].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${at}[d].items.type: Invalid value: "string": must be object if parent array's x-kubernetes-list-type is map`,
      `${at}[e].items.properties[o].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`,
      `${at}[e].x-kubernetes-list-map-keys: Invalid value: []string{"k", "o", "x", "k"}: entries must all be names of item properties`,
      `${at}[e].x-kubernetes-list-map-keys: Invalid value: []string{"k", "o", "x", "k"}: must not contain duplicate entries`,
      // Once per entry of the keys, as kube reports them.
      `${at}[e].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      `${at}[e].items.properties[k].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`,
      `${at}[e].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      `${at}[e].items.properties[k].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`,
      `${at}[f].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`,
      `${at}[g].x-kubernetes-map-type: Unsupported value: "loose": supported values: "atomic", "granular"`,
    ]);
    // A CRD stored with a granular set item or an optional map key may keep them on update, not gain others.
    const legacy = crdWith({
      f: { type: "array", "x-kubernetes-list-type": "set", items: obj({ x: { type: "string" } }) },
    });
    assert.deepEqual(validateCrd(legacy, legacy).map(String), []);
    const good = crdWith({
      f: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
    });
    assert.equal(validateCrd(legacy, good).length, 1);
  });
});

describe("embedded resources", () => {
  const schema = obj({
    spec: obj({
      template: {
        type: "object",
        "x-kubernetes-embedded-resource": true,
        "x-kubernetes-preserve-unknown-fields": true,
      },
      more: {
        type: "array",
        items: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
      },
    }),
  });

  it("requires apiVersion and kind and validates the metadata as ObjectMeta", () => {
    const errs = validateEmbeddedResources(schema, {
      spec: {
        template: { metadata: { name: "a/b", labels: { "bad key!": "x" } } },
        more: [
          { apiVersion: "a/b/c", kind: "Bad_Kind", metadata: "x" },
          { apiVersion: 1, kind: "", metadata: { labels: "x" } },
          { apiVersion: "v1", kind: "Pod", metadata: { generateName: "p-" } },
        ],
      },
    }).map(String);
    assert.deepEqual(errs, [
      "spec.template.apiVersion: Required value: must not be empty",
      "spec.template.kind: Required value: must not be empty",
      `spec.template.metadata.name: Invalid value: "a/b": may not contain '/'`,
      "spec.template.metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'spec.more[0].apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      "spec.more[0].kind: Invalid value: \"Bad_Kind\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.more[0].metadata: Invalid value: "x": json: cannot unmarshal string into Go value of type v1.ObjectMeta',
      "spec.more[1].apiVersion: Invalid value: 1: must be a string",
      'spec.more[1].kind: Invalid value: "": must not be empty',
      'spec.more[1].metadata: Invalid value: map[string]interface {}{"labels":"x"}: json: cannot unmarshal string into Go struct field ObjectMeta.labels of type map[string]string',
    ]);
  });

  it("keeps only ObjectMeta's fields in an embedded resource's metadata, as a round trip through it does", () => {
    const cr = {
      spec: {
        template: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "p", labels: { a: "b" }, annotations: {}, bogus: 1, creationTimestamp: null, uid: "" },
          spec: { containers: [] },
        },
      },
    };
    normalizeCustomResource(cr, { schema, preserveUnknownFields: false });
    assert.deepEqual(cr.spec.template, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: { a: "b" } },
      spec: { containers: [] },
    });
  });
});

describe("CRD schema defaults", () => {
  const crdWith = (props: Record<string, JSONSchemaProps>) =>
    baseCrd([{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: obj(props) } }]);
  const at = "spec.validation.openAPIV3Schema.properties";

  it("refuses defaults the schema does not accept, or with fields pruning would drop", () => {
    const crd = crdWith({
      spec: obj({
        replicas: { type: "integer", minimum: 1, default: 0 },
        mode: { type: "string", enum: ["a", "b"], default: "c" },
        size: { type: "integer", default: "big" },
        limits: obj({ cpu: { type: "string" } }, { default: { cpu: 1, memory: "1Gi" } }),
        ok: obj({ x: { type: "string", default: "y" } }, { default: {} }),
      }),
    });
    assert.deepEqual(validateCrd(crd).map(String), [
      `${at}[spec].properties[limits].default: Invalid value: map[string]interface {}{"cpu":1, "memory":"1Gi"}: must not have unknown fields`,
      `${at}[spec].properties[limits].default.cpu: Invalid value: "integer": cpu in body must be of type string: "integer"`,
      `${at}[spec].properties[mode].default: Unsupported value: "c": supported values: "a", "b"`,
      `${at}[spec].properties[replicas].default: Invalid value: 0:  in body should be greater than or equal to 1`,
      `${at}[spec].properties[size].default: Invalid value: "string":  in body must be of type integer: "string"`,
    ]);
    // Valid defaults pass; the metadata of the resource is left to metadata's own rules.
    assert.deepEqual(
      validateCrd(
        crdWith({
          spec: obj({
            n: { type: "integer", default: 2 },
            tags: { type: "array", items: { type: "string" }, default: ["a"] },
          }),
        }),
      ),
      [],
    );
  });

  it("lets a CRD stored with unpruned defaults keep them on update", () => {
    const legacy = crdWith({ spec: obj({ a: { type: "string" } }, { default: { a: "x", b: "y" } }) });
    assert.deepEqual(validateCrd(legacy, legacy).map(String), []);
    assert.equal(validateCrd(legacy).length, 1);
    assert.equal(validateCrd(legacy, crdWith({ spec: obj({ a: { type: "string" } }) })).length, 1);
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

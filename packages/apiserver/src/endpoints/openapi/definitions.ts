import type { ResourceDefinition, SubresourceDefinition } from "../../registry/resource-definition.js";
import { enumCases } from "./enums.js";
import { fieldFacts, typeFacts } from "./patch-facts.js";
import { supplementFields, supplementType } from "./supplements.js";
import { definitionPrefix, modulePathOf, type SourceField, sourceType, type TypeNode } from "./types-source.js";

// The schema definitions of the served API, as Swagger 2.0 schema objects
// named the way Kubernetes names them (`io.k8s.api.apps.v1.Deployment`):
// the served kinds, their lists, the kinds subresources answer with, the
// meta types every path uses, and everything those reach. The OpenAPI v2
// and v3 documents and strategic merge patch all read this one model.

/** A Swagger 2.0 / OpenAPI schema object as JSON. */
export type Schema = { [key: string]: unknown };

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** The few number fields of the API that are floating point; every other is an integer. */
const FLOAT_FIELDS = new Set(
  ["maximum", "minimum", "multipleOf"].map(
    (f) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.${f}`,
  ),
);

/** The OpenAPI name of a kind served in a group version. */
export function definitionName(group: string, version: string, kind: string): string {
  if (group === "apiextensions.k8s.io") return `${definitionPrefix(`apiextensions/${version}`)}.${kind}`;
  if (group === "apiregistration.k8s.io") return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}.${kind}`;
  return `${definitionPrefix(modulePathOf(group, version))}.${kind}`;
}

/** The group, version and kind a subresource answers with. */
export function subresourceGvk(d: ResourceDefinition, s: SubresourceDefinition): Gvk {
  return s.kind === undefined
    ? { group: d.group, version: d.version, kind: d.kind }
    : { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind };
}

const served = (d: ResourceDefinition) => (d.subresources ?? []).filter((s) => s.served !== false);

function typeSchema(t: TypeNode, where: string): Schema {
  switch (t.kind) {
    case "string":
      return { type: "string" };
    case "boolean":
      return { type: "boolean" };
    case "number":
      return FLOAT_FIELDS.has(where) ? { type: "number", format: "double" } : { type: "integer" };
    case "intOrString":
      return { $ref: `#/definitions/${INT_OR_STRING}` };
    case "ref":
      return { $ref: `#/definitions/${t.name}` };
    case "array":
      return { type: "array", items: typeSchema(t.of, where) };
    case "map":
      return { type: "object", additionalProperties: typeSchema(t.of, where) };
  }
}

function fieldSchema(owner: string, f: SourceField): Schema {
  const s = typeSchema(f.type, `${owner}.${f.name}`);
  if (f.description !== undefined) s.description = f.description;
  const cases = s.type === "string" ? enumCases(owner, f.name) : undefined;
  if (cases) {
    // kube-openapi's form: the cases' lines after the field's description, a paragraph of their own, and
    // the values sorted as Go-quoted strings.
    const lines = cases.map(([v, text]) => ` - \`${JSON.stringify(v)}\` ${text}`.trimEnd());
    const suffix = `Possible enum values:\n${lines.join("\n")}`;
    s.description = f.description === undefined ? suffix : `${f.description}\n\n${suffix}`;
    const quoted = cases.map(([v]) => JSON.stringify(v)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    s.enum = quoted.map((q) => JSON.parse(q) as string);
  }
  const facts = fieldFacts(owner, f.name);
  if (facts?.listMapKeys) s["x-kubernetes-list-map-keys"] = facts.listMapKeys;
  if (facts?.listType) s["x-kubernetes-list-type"] = facts.listType;
  if (facts?.mapType) s["x-kubernetes-map-type"] = facts.mapType;
  if (facts?.patchMergeKey) s["x-kubernetes-patch-merge-key"] = facts.patchMergeKey;
  if (facts?.patchStrategy) s["x-kubernetes-patch-strategy"] = facts.patchStrategy;
  return s;
}

/** The schema of one definition, or undefined when no source declares it. */
function buildDefinition(name: string): Schema | undefined {
  if (name === INT_OR_STRING) {
    return {
      description:
        'IntOrString holds either an int32 or a string. In JSON it is written as the plain number or string; fields of this type accept both (a count, or a percentage such as "25%").',
      type: "string",
      format: "int-or-string",
    };
  }
  const src = sourceType(name) ?? supplementType(name);
  if (!src) return undefined;
  const out: Schema = src.description !== undefined ? { description: src.description } : {};
  if (src.alias !== undefined) {
    // Time and MicroTime are RFC 3339 strings, Quantity a string; the JSONSchemaPropsOr* unions have no one type.
    if (src.alias === "string") {
      out.type = "string";
      if (/\.(Micro)?Time$/.test(name)) out.format = "date-time";
    }
    return out;
  }
  const fields = [...(src.fields ?? []), ...supplementFields(name)].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  // Empty structs are free-form objects (RawExtension, FieldsV1, Patch); apiextensions' JSON is any value.
  if (fields.length === 0) {
    if (!name.endsWith("apiextensions.v1.JSON")) out.type = "object";
    return out;
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  if (required.length > 0) out.required = required;
  out.type = "object";
  out.properties = Object.fromEntries(fields.map((f) => [f.name, fieldSchema(name, f)]));
  const mapType = typeFacts(name)?.mapType;
  if (mapType) out["x-kubernetes-map-type"] = mapType;
  return out;
}

/** Every definition name a schema refers to. */
export function refsOf(s: unknown, out: string[] = []): string[] {
  if (Array.isArray(s)) for (const x of s) refsOf(x, out);
  else if (s && typeof s === "object") {
    for (const [k, v] of Object.entries(s)) {
      if (k === "$ref" && typeof v === "string") out.push(v.slice(v.lastIndexOf("/") + 1));
      else refsOf(v, out);
    }
  }
  return out;
}

/**
 * The definitions of a served resource table: built once, closed over
 * references, each served kind carrying `x-kubernetes-group-version-kind`.
 */
export class Definitions {
  readonly schemas = new Map<string, Schema>();
  private readonly byGvk = new Map<string, string>();

  constructor(resources: ResourceDefinition[]) {
    const gvks = new Map<string, Gvk[]>();
    const addKind = (g: Gvk) => {
      const name = definitionName(g.group, g.version, g.kind);
      const list = gvks.get(name) ?? [];
      if (!list.some((x) => x.group === g.group && x.version === g.version && x.kind === g.kind)) list.push(g);
      gvks.set(name, list);
      this.byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
    };
    const groupVersions = new Map<string, { group: string; version: string }>();
    for (const d of resources) {
      groupVersions.set(`${d.group}/${d.version}`, { group: d.group, version: d.version });
      addKind({ group: d.group, version: d.version, kind: d.kind });
      if (d.stored !== false || d.verbs.includes("list"))
        addKind({ group: d.group, version: d.version, kind: d.listKind });
      for (const s of served(d)) addKind(subresourceGvk(d, s));
    }
    // The meta kinds every group version uses.
    const gvs = [...groupVersions.values()].sort((a, b) =>
      `${a.group}/${a.version}` < `${b.group}/${b.version}` ? -1 : 1,
    );
    gvks.set(`${META}.Status`, [{ group: "", version: "v1", kind: "Status" }]);
    for (const kind of ["DeleteOptions", "WatchEvent"]) {
      gvks.set(
        `${META}.${kind}`,
        gvs.map((gv) => ({ ...gv, kind })),
      );
    }
    const roots = [
      ...gvks.keys(),
      `${META}.Patch`,
      `${META}.APIResourceList`,
      `${META}.APIGroup`,
      `${META}.APIGroupList`,
      `${META}.APIVersions`,
      "io.k8s.apimachinery.pkg.version.Info",
    ];
    const pending = [...roots];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (this.schemas.has(name)) continue;
      const schema = buildDefinition(name);
      if (!schema) throw new Error(`openapi: no type declares ${name}`);
      const gvk = gvks.get(name);
      if (gvk) schema["x-kubernetes-group-version-kind"] = gvk;
      this.schemas.set(name, schema);
      pending.push(...refsOf(schema));
    }
  }

  /** The definition name of a served kind (including list kinds and subresource kinds). */
  nameOf(group: string, version: string, kind: string): string | undefined {
    return this.byGvk.get(`${group}/${version}/${kind}`);
  }

  /** The names `roots` reach, themselves included, sorted. */
  closure(roots: Iterable<string>): string[] {
    const seen = new Set<string>();
    const pending = [...roots];
    while (pending.length > 0) {
      const n = pending.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      pending.push(...refsOf(this.schemas.get(n)));
    }
    return [...seen].sort();
  }
}

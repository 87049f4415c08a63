import type { Crd } from "./crd-validation.js";
import { isObj } from "./json-schema.js";
import { type OpenApiSchema, structuralSchema } from "./openapi-structural.js";
import { pruneDefaults, toOpenApiV2 } from "./openapi-v2-conversion.js";

// The OpenAPI definitions of one served CRD version, as apiextensions-
// apiserver's OpenAPI builder makes them: the kind, named by the reversed
// group (`com.example.stable.v1.CronTab`), is the version's structural
// schema with apiVersion, kind and metadata (an ObjectMeta reference) set,
// and apiVersion/kind/metadata added to embedded resources; the list kind
// holds items and ListMeta. Both carry x-kubernetes-group-version-kind. The
// v2 form goes through kube's v2 conversion and loses its defaults; a schema
// that preserves unknown fields at the root is only `type: object` there.

export type OpenApiVersion = "v2" | "v3";

/** The shared pieces every CRD schema takes from the built-in definitions (the same texts kube uses). */
export interface MetaSchemas {
  /** TypeMeta's apiVersion and kind properties. */
  apiVersion: OpenApiSchema;
  kind: OpenApiSchema;
  /** The description of an object's `metadata`, and of a list's. */
  objectMetaDescription: string;
  listMetaDescription: string;
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** kube's ToRESTFriendlyName of "<group>/<version>.<kind>": the group's labels reversed. */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split(".").reverse().join(".")}.${version}.${kind}`;
}

const refTo = (name: string, v: OpenApiVersion) =>
  v === "v2" ? `#/definitions/${name}` : `#/components/schemas/${name}`;

/** A described reference: `$ref` beside a description in v2, wrapped in allOf in v3 (as the built-in documents). */
function describedRef(name: string, description: string, v: OpenApiVersion): OpenApiSchema {
  return v === "v2" ? { $ref: refTo(name, v), description } : { description, allOf: [{ $ref: refTo(name, v) }] };
}

function setProperties(s: OpenApiSchema, add: Record<string, OpenApiSchema>): void {
  const props = { ...((isObj(s.properties) ? s.properties : {}) as Record<string, OpenApiSchema>), ...add };
  s.properties = Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** apiVersion, kind and metadata in x-kubernetes-embedded-resource objects (not v2 ones preserving unknown fields). */
function addEmbeddedProperties(s: OpenApiSchema, v: OpenApiVersion, meta: MetaSchemas): void {
  if (isObj(s.properties))
    for (const p of Object.values(s.properties)) addEmbeddedProperties(p as OpenApiSchema, v, meta);
  if (isObj(s.items)) addEmbeddedProperties(s.items as OpenApiSchema, v, meta);
  if (isObj(s.additionalProperties)) addEmbeddedProperties(s.additionalProperties as OpenApiSchema, v, meta);
  if (v === "v2" && s["x-kubernetes-preserve-unknown-fields"] === true) return;
  if (s["x-kubernetes-embedded-resource"] !== true) return;
  setProperties(s, {
    apiVersion: structuredClone(meta.apiVersion),
    kind: structuredClone(meta.kind),
    metadata: describedRef(`${META}.ObjectMeta`, meta.objectMetaDescription, v),
  });
  const required = Array.isArray(s.required) ? [...(s.required as string[])] : [];
  for (const f of ["kind", "apiVersion"]) if (!required.includes(f)) required.push(f);
  s.required = required;
}

/** The kind's definition of one version of a CRD. */
export function crdKindSchema(crd: Crd, version: string, v: OpenApiVersion, meta: MetaSchemas): OpenApiSchema {
  const { group, names } = crd.spec;
  const gvk = [{ group, kind: names.kind, version }];
  const raw = crd.spec.versions.find((x) => x.name === version)?.schema?.openAPIV3Schema;
  const preserving = raw?.["x-kubernetes-preserve-unknown-fields"] === true || crd.spec.preserveUnknownFields === true;
  // kubectl would take added properties to mean "nothing else" and refuse unknown fields.
  if (!raw || (v === "v2" && preserving)) return { type: "object", "x-kubernetes-group-version-kind": gvk };
  const s = structuralSchema(raw);
  if (v === "v2") toOpenApiV2(s);
  setProperties(s, {
    apiVersion: structuredClone(meta.apiVersion),
    kind: structuredClone(meta.kind),
    metadata: describedRef(`${META}.ObjectMeta`, meta.objectMetaDescription, v),
  });
  addEmbeddedProperties(s, v, meta);
  if (v === "v2") pruneDefaults(s);
  s["x-kubernetes-group-version-kind"] = gvk;
  return s;
}

/** The list kind's definition of one version of a CRD. */
export function crdListSchema(crd: Crd, version: string, v: OpenApiVersion, meta: MetaSchemas): OpenApiSchema {
  const { group, names } = crd.spec;
  const listKind = names.listKind ?? `${names.kind}List`;
  return {
    description: `${listKind} is a list of ${names.kind}`,
    required: ["items"],
    properties: {
      apiVersion: structuredClone(meta.apiVersion),
      items: {
        description: `List of ${names.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: "array",
        items: { $ref: refTo(crdDefinitionName(group, version, names.kind), v) },
      },
      kind: structuredClone(meta.kind),
      metadata: describedRef(`${META}.ListMeta`, meta.listMetaDescription, v),
    },
    "x-kubernetes-group-version-kind": [{ group, kind: listKind, version }],
  };
}

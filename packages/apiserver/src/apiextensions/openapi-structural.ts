import { isObj } from "./json-schema.js";

// A CRD version's schema as kube publishes it (apiextensions-apiserver's
// Structural.ToKubeOpenAPI after Unfold): only the fields a structural
// schema keeps (no `example`, `id`, `$schema`, `definitions`,
// `dependencies`, `patternProperties`, `additionalItems`), false/empty
// values omitted as Go's omitempty does, properties sorted by name, and
// x-kubernetes-int-or-string spelled out as anyOf integer/string.

export type OpenApiSchema = Record<string, unknown>;

const GENERIC = ["type", "description", "title", "default", "externalDocs"];
const VALUE_VALIDATION = [
  "format",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "multipleOf",
  "enum",
  "maxProperties",
  "minProperties",
  "required",
];
const TRUE_EXTENSIONS = [
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
];
const VALUE_EXTENSIONS = ["x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type"];
const JUNCTORS = ["allOf", "anyOf", "oneOf"];

/** Go's omitempty for the fields kube writes: false, "" and empty arrays are left out. */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === false || v === "" || (Array.isArray(v) && v.length === 0);
}

function copyFields(from: OpenApiSchema, to: OpenApiSchema, keys: string[]): void {
  for (const k of keys) if (!isEmpty(from[k])) to[k] = structuredClone(from[k]);
}

const sortedEntries = (o: unknown) =>
  Object.entries(isObj(o) ? o : {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The value validations of an allOf/anyOf/oneOf/not branch (no generics but the type Unfold adds). */
function nested(s: unknown): OpenApiSchema {
  const src = isObj(s) ? (s as OpenApiSchema) : {};
  const out: OpenApiSchema = {};
  copyFields(src, out, VALUE_VALIDATION);
  for (const j of JUNCTORS) if (Array.isArray(src[j]) && src[j].length > 0) out[j] = src[j].map(nested);
  if (isObj(src.not)) out.not = nested(src.not);
  if (!isEmpty(src["x-kubernetes-validations"]))
    out["x-kubernetes-validations"] = structuredClone(src["x-kubernetes-validations"]);
  if (isObj(src.items)) out.items = nested(src.items);
  if (isObj(src.properties))
    out.properties = Object.fromEntries(sortedEntries(src.properties).map(([k, v]) => [k, nested(v)]));
  copyFields(src, out, ["type", "description"]);
  return out;
}

const INT_OR_STRING: OpenApiSchema[] = [{ type: "integer" }, { type: "string" }];

const isIntOrStringAnyOf = (anyOf: unknown) =>
  Array.isArray(anyOf) &&
  anyOf.length === 2 &&
  isObj(anyOf[0]) &&
  isObj(anyOf[1]) &&
  (anyOf[0] as OpenApiSchema).type === "integer" &&
  (anyOf[1] as OpenApiSchema).type === "string";

/** Unfold: an int-or-string node without the anyOf pattern gets it (first in allOf when it has another anyOf). */
function unfoldIntOrString(out: OpenApiSchema): void {
  if (out["x-kubernetes-int-or-string"] !== true) return;
  const allOf = out.allOf as OpenApiSchema[] | undefined;
  if (isIntOrStringAnyOf(out.anyOf) || (allOf && isIntOrStringAnyOf(allOf[0]?.anyOf))) return;
  if (out.anyOf === undefined) out.anyOf = structuredClone(INT_OR_STRING);
  else out.allOf = [{ anyOf: structuredClone(INT_OR_STRING) }, ...(allOf ?? [])];
}

/** The published form of a structural schema node and its subtree. */
export function structuralSchema(s: unknown): OpenApiSchema {
  const src = isObj(s) ? (s as OpenApiSchema) : {};
  const out: OpenApiSchema = {};
  if (isObj(src.items)) out.items = structuralSchema(src.items);
  if (isObj(src.properties)) {
    out.properties = Object.fromEntries(sortedEntries(src.properties).map(([k, v]) => [k, structuralSchema(v)]));
  }
  if (typeof src.additionalProperties === "boolean") out.additionalProperties = src.additionalProperties;
  else if (isObj(src.additionalProperties)) out.additionalProperties = structuralSchema(src.additionalProperties);
  copyFields(src, out, GENERIC);
  if (src.nullable === true) out.nullable = true;
  for (const x of TRUE_EXTENSIONS) if (src[x] === true) out[x] = true;
  copyFields(src, out, VALUE_EXTENSIONS);
  copyFields(src, out, VALUE_VALIDATION);
  for (const j of JUNCTORS) if (Array.isArray(src[j]) && src[j].length > 0) out[j] = src[j].map(nested);
  if (isObj(src.not)) out.not = nested(src.not);
  if (!isEmpty(src["x-kubernetes-validations"]))
    out["x-kubernetes-validations"] = structuredClone(src["x-kubernetes-validations"]);
  unfoldIntOrString(out);
  return out;
}

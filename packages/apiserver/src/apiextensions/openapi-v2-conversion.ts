import { isObj } from "./json-schema.js";
import type { OpenApiSchema } from "./openapi-structural.js";

// apiextensions-apiserver's ToStructuralOpenAPIV2 and kube-openapi's
// PruneDefaults: what a CRD schema loses on its way into /openapi/v2, where
// Swagger 2.0 (and kubectl's validation against it) cannot express it.
// - allOf, anyOf, oneOf and not go;
// - a nullable node loses its type, items and properties, and is no longer
//   required by its parent (nor is anything, when additionalProperties is
//   nullable);
// - x-kubernetes-preserve-unknown-fields drops items and properties (kubectl
//   would reject the unknown fields otherwise);
// - an array left without items loses its type;
// - defaults are pruned.

/** Converts a published structural schema (openapi-structural.ts) to its v2 form, in place; returns it. */
export function toOpenApiV2(s: OpenApiSchema): OpenApiSchema {
  for (const j of ["allOf", "anyOf", "oneOf", "not"]) delete s[j];
  if (s.nullable === true) {
    delete s.type;
    delete s.nullable;
    delete s.items;
    delete s.properties;
  }
  if (s["x-kubernetes-preserve-unknown-fields"] === true) {
    delete s.items;
    delete s.properties;
  }
  if (s.items === undefined && s.type === "array") delete s.type;
  const props = isObj(s.properties) ? (s.properties as Record<string, OpenApiSchema>) : {};
  if (Array.isArray(s.required)) {
    const required = (s.required as string[]).filter((f) => props[f]?.nullable !== true);
    if (required.length > 0) s.required = required;
    else delete s.required;
  }
  if (isObj(s.additionalProperties) && (s.additionalProperties as OpenApiSchema).nullable === true) delete s.required;
  // Children after their parent, as kube's visitor goes: the parent reads their nullable first.
  for (const p of Object.values(props)) toOpenApiV2(p);
  if (isObj(s.items)) toOpenApiV2(s.items as OpenApiSchema);
  if (isObj(s.additionalProperties)) toOpenApiV2(s.additionalProperties as OpenApiSchema);
  return s;
}

/** Removes every default of a schema tree, in place (kube prunes them from the v2 document). */
export function pruneDefaults(s: unknown): void {
  if (Array.isArray(s)) {
    for (const x of s) pruneDefaults(x);
    return;
  }
  if (!isObj(s)) return;
  const o = s as OpenApiSchema;
  delete o.default;
  if (isObj(o.properties)) for (const p of Object.values(o.properties as object)) pruneDefaults(p);
  for (const k of ["items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"]) pruneDefaults(o[k]);
}

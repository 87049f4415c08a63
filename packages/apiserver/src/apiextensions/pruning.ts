import { additionalSchema, isObj, type JSONSchemaProps } from "./json-schema.js";

// Pruning as apiextensions-apiserver does it for structural schemas: fields
// the schema does not specify are dropped, except under
// x-kubernetes-preserve-unknown-fields, and apiVersion, kind and metadata
// stay at the root of the resource and of every
// x-kubernetes-embedded-resource object. Works in place.

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

function prune(x: unknown, s: JSONSchemaProps | undefined, embedded: boolean): void {
  if (s?.["x-kubernetes-preserve-unknown-fields"]) {
    skipPrune(x, s);
    return;
  }
  if (Array.isArray(x)) {
    for (const v of x) prune(v, s?.items, s?.items?.["x-kubernetes-embedded-resource"] === true);
    return;
  }
  if (!isObj(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) delete x[k];
    return;
  }
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = s.properties?.[k];
    if (prop) prune(v, prop, prop["x-kubernetes-embedded-resource"] === true);
    else if (extra) prune(v, extra, extra["x-kubernetes-embedded-resource"] === true);
    else if (s.additionalProperties === true) continue;
    else delete x[k];
  }
}

/** Below x-kubernetes-preserve-unknown-fields: unknown fields stay, specified ones are still pruned inside. */
function skipPrune(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    for (const v of x) skipPrune(v, s.items);
    return;
  }
  if (!isObj(x)) return;
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    if (s["x-kubernetes-embedded-resource"] && META_FIELDS.has(k)) continue;
    const prop = s.properties?.[k];
    if (prop) prune(v, prop, prop["x-kubernetes-embedded-resource"] === true);
    else if (extra) prune(v, extra, extra["x-kubernetes-embedded-resource"] === true);
  }
}

/**
 * Drops what the schema does not specify from a custom resource, in place.
 * `isResourceRoot`: the object is a whole resource, whose apiVersion, kind
 * and metadata are kept whatever the schema says.
 */
export function pruneUnknownFields(obj: unknown, schema: JSONSchemaProps | undefined, isResourceRoot = true): void {
  const s = schema ?? {};
  prune(obj, isResourceRoot ? { ...s, "x-kubernetes-embedded-resource": true } : s, isResourceRoot);
}

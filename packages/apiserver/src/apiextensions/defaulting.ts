import { additionalSchema, isObj, type JSONSchemaProps } from "./json-schema.js";

// Defaulting from a structural schema, as apiextensions-apiserver applies it
// on every decode (requests and reads from etcd): nulls of non-nullable
// fields without a default are dropped, then every missing (or
// non-nullable null) property with a `default` gets a copy of it, top down.
// Works in place.

const isNonNullableNull = (v: unknown, s: JSONSchemaProps | undefined) => v === null && s !== undefined && !s.nullable;

function pruneNulls(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    for (const v of x) pruneNulls(v, s.items);
    return;
  }
  if (!isObj(x)) return;
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    const prop = s.properties?.[k] ?? extra;
    if (!prop) continue;
    if (v === null && !prop.nullable && prop.default === undefined) delete x[k];
    else pruneNulls(v, prop);
  }
}

function applyDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => {
      if (isNonNullableNull(v, s.items) && s.items?.default !== undefined) x[i] = structuredClone(s.items.default);
      applyDefaults(x[i], s.items);
    });
    return;
  }
  if (!isObj(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(x, k) || isNonNullableNull(x[k], prop)) x[k] = structuredClone(prop.default);
  }
  const extra = additionalSchema(s);
  for (const k of Object.keys(x)) {
    const prop = s.properties?.[k];
    if (prop) applyDefaults(x[k], prop);
    else if (extra) {
      if (isNonNullableNull(x[k], extra) && extra.default !== undefined) x[k] = structuredClone(extra.default);
      applyDefaults(x[k], extra);
    }
  }
}

/** Applies a schema's defaults to a value in place (after dropping non-nullable nulls that have none). */
export function applySchemaDefaults(obj: unknown, schema: JSONSchemaProps | undefined): void {
  if (!schema) return;
  pruneNulls(obj, schema);
  applyDefaults(obj, schema);
}

import { duplicateJsonField, type FieldError, FieldPath, invalidJsonField } from "@wharf/apimachinery";
import { additionalSchema, isObj, type JSONSchemaProps } from "./json-schema.js";

// The uniqueness a custom resource's lists owe their schema's
// x-kubernetes-list-type (apiextensions-apiserver's listtype validation): a
// `set` holds no element twice, a `map` no two items with the same keys. The
// second appearance of a value is reported, once, as kube reports it:
// `spec.ports[1]: Duplicate value: map[string]interface {}{"port":80}`.

/** The key of an item that does not have the map list's key field (or is null): equal only to its kind. */
const UNSPECIFIED = "\u0000unspecified";

/** JSON with sorted keys: equal for values Go's json.Marshal prints alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** The indices where a value appears for the second time. */
function secondAppearances(keys: readonly string[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  keys.forEach((k, i) => {
    const times = seen.get(k) ?? 0;
    if (times === 1) out.push(i);
    seen.set(k, times + 1);
  });
  return out;
}

function validateListMap(path: FieldPath, s: JSONSchemaProps, list: unknown[]): FieldError[] {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x !== null && !isObj(x)) {
      return [invalidJsonField(path.index(i), x, "must be an object for an array of list-type map")];
    }
  }
  if (list.length <= 1) return [];
  const keyFields = s["x-kubernetes-list-map-keys"] ?? [];
  const keyOf = (x: unknown): Record<string, unknown> | typeof UNSPECIFIED => {
    const item = isObj(x) ? x : {};
    if (keyFields.length === 1) {
      const f = keyFields[0]!;
      return x !== null && f in item ? { [f]: item[f] } : UNSPECIFIED;
    }
    const key: Record<string, unknown> = {};
    for (const f of keyFields) if (f in item) key[f] = item[f];
    return key;
  };
  const keys = list.map(keyOf);
  return secondAppearances(keys.map((k) => (k === UNSPECIFIED ? k : canonical(k)))).map((i) => {
    const k = keys[i]!;
    return duplicateJsonField(path.index(i), k === UNSPECIFIED ? {} : k);
  });
}

function validateValue(path: FieldPath, s: JSONSchemaProps, v: unknown, out: FieldError[]): void {
  if (isObj(v)) validateObject(path, s, v, out);
  else if (Array.isArray(v)) {
    const type = s["x-kubernetes-list-type"];
    if (type === "set") {
      for (const i of secondAppearances(v.map(canonical))) out.push(duplicateJsonField(path.index(i), v[i]));
    } else if (type === "map") out.push(...validateListMap(path, s, v));
    const items = s.items;
    if (isObj(items)) {
      v.forEach((x, i) => {
        validateValue(path.index(i), items, x, out);
      });
    }
  }
}

function validateObject(
  path: FieldPath | undefined,
  s: JSONSchemaProps,
  obj: Record<string, unknown>,
  out: FieldError[],
): void {
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(obj)) {
    if (extra) validateValue(path ? path.key(k) : FieldPath.of(k), extra, v, out);
    const sub = s.properties?.[k];
    if (sub) validateValue(path ? path.child(k) : FieldPath.of(k), sub, v, out);
  }
}

/** The set and map lists of `obj` that repeat an element or a key. */
export function validateListSetsAndMaps(
  schema: JSONSchemaProps | undefined,
  obj: Record<string, unknown>,
): FieldError[] {
  const out: FieldError[] = [];
  if (schema) validateObject(undefined, schema, obj, out);
  return out;
}

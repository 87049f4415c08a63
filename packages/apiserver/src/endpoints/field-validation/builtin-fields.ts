import type { Definitions, Schema } from "../openapi/definitions.js";
import type { JsonNode } from "./json-document.js";
import { childPath, indexPath, type StrictErrors } from "./strict-errors.js";

// Unknown and duplicate fields of the built-in kinds, judged by their
// OpenAPI definitions as kube-apiserver's typed decoding judges them by Go
// structs: a struct's undeclared member is unknown (and dropped), a
// repeated member of a struct or map is a duplicate; free-form values
// (RawExtension, FieldsV1, apiextensions' JSON and JSONSchemaPropsOr*,
// x-kubernetes-preserve-unknown-fields) and scalars (IntOrString, Quantity,
// Time) are not looked into.

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

type Shape =
  | { t: "struct"; fields: Record<string, Schema> }
  | { t: "map"; of: Schema }
  | { t: "array"; of: Schema | undefined }
  | { t: "free" };

const FREE: Shape = { t: "free" };

/** How a typed decoder reads a value of this schema. */
export function shapeOf(defs: Definitions, schema: Schema | undefined): Shape {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === "string" && i < 16; i++) {
    s = defs.schemas.get(s.$ref.slice(s.$ref.lastIndexOf("/") + 1));
  }
  if (!s || s["x-kubernetes-preserve-unknown-fields"] === true) return FREE;
  if (isObj(s.properties)) return { t: "struct", fields: s.properties as Record<string, Schema> };
  if (isObj(s.additionalProperties)) return { t: "map", of: s.additionalProperties as Schema };
  if (s.type === "array") return { t: "array", of: isObj(s.items) ? (s.items as Schema) : undefined };
  return FREE;
}

/** Collects the unknown and duplicate fields of a document (members in the order given) into `errs`. */
export function checkTyped(
  defs: Definitions,
  node: JsonNode,
  schema: Schema | undefined,
  errs: StrictErrors,
  path = "",
): void {
  const shape = shapeOf(defs, schema);
  if (shape.t === "free") return;
  if (node.t === "array") {
    if (shape.t !== "array") return;
    for (const [i, item] of node.items.entries()) checkTyped(defs, item, shape.of, errs, indexPath(path, i));
    return;
  }
  if (node.t !== "object" || shape.t === "array") return;
  const seen = new Set<string>();
  for (const [key, value] of node.entries) {
    const p = childPath(path, key);
    const sub = shape.t === "map" ? shape.of : Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
    if (!sub) {
      errs.unknown(p);
      continue;
    }
    if (seen.has(key)) errs.duplicate(p);
    seen.add(key);
    checkTyped(defs, value, sub, errs, p);
  }
}

/** Drops, in place, what a typed decoder would not keep: the undeclared members of structs. */
export function dropUnknown(defs: Definitions, value: unknown, schema: Schema | undefined): void {
  const shape = shapeOf(defs, schema);
  if (shape.t === "free") return;
  if (Array.isArray(value)) {
    if (shape.t === "array") for (const item of value) dropUnknown(defs, item, shape.of);
    return;
  }
  if (!isObj(value) || shape.t === "array") return;
  for (const key of Object.keys(value)) {
    if (shape.t === "map") dropUnknown(defs, value[key], shape.of);
    else if (Object.hasOwn(shape.fields, key)) dropUnknown(defs, value[key], shape.fields[key]);
    else delete value[key];
  }
}

import { isDeepStrictEqual } from "node:util";
import { type FieldError, invalidJsonField } from "@wharf/apimachinery";
import { isObj, type JSONSchemaProps } from "./json-schema.js";
import { pruneUnknownFields } from "./pruning.js";
import { validateAgainstSchema } from "./schema-validation.js";

// A CRD schema's defaults must be values its schema accepts, with nothing
// pruning would drop (apiextensions-apiserver's structural ValidateDefaults):
// `….properties[replicas].default: Invalid value: "string": in body must be of type integer: "string"`
// or `….default: Invalid value: map[string]interface {}{…}: must not have unknown fields`.

const PRUNED = "must not have unknown fields";

function visit(s: JSONSchemaProps, path: string, insideMeta: boolean, requirePruned: boolean, out: FieldError[]): void {
  const d = s.default;
  // Defaults of the metadata of an embedded resource (which kube checks as coerced metadata) are left alone.
  if (d !== undefined && d !== null && !insideMeta) {
    const at = `${path}.default`;
    if (requirePruned && (isObj(d) || Array.isArray(d))) {
      const pruned = structuredClone(d);
      pruneUnknownFields(pruned, s, s["x-kubernetes-embedded-resource"] === true);
      if (!isDeepStrictEqual(pruned, d)) out.push(invalidJsonField(at, d, PRUNED));
    }
    out.push(...validateAgainstSchema(s, d, at));
  }
  // Defaults under additionalProperties are refused by the schema rules, so not followed.
  if (isObj(s.items)) visit(s.items, `${path}.items`, insideMeta, requirePruned, out);
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  for (const k of Object.keys(s.properties ?? {}).sort()) {
    const meta = insideMeta || (embedded && (k === "metadata" || k === "apiVersion" || k === "kind"));
    visit(s.properties![k]!, `${path}.properties[${k}]`, meta, requirePruned, out);
  }
}

/**
 * The errors of the defaults in a CRD version's schema at `path` (its openAPIV3Schema). `requirePruned`: defaults
 * with unknown fields are refused (always on create; on update only if the stored CRD had none).
 */
export function validateDefaults(schema: JSONSchemaProps, path: string, requirePruned: boolean): FieldError[] {
  const out: FieldError[] = [];
  // The root is a resource: its apiVersion, kind and metadata are metadata.
  visit({ ...schema, "x-kubernetes-embedded-resource": true }, path, false, requirePruned, out);
  return out;
}

/** Whether a schema holds a default with fields pruning would drop. */
export function hasUnprunedDefaults(schema: JSONSchemaProps): boolean {
  return validateDefaults(schema, "", true).some((e) => e.detail === PRUNED);
}

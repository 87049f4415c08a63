import { type FieldError, invalidField, invalid as invalidStatus } from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../registry/strategy.js";
import type { CrdVersion } from "./crd-validation.js";
import { applySchemaDefaults } from "./defaulting.js";
import { coerceEmbeddedMetadata, validateEmbeddedResources } from "./embedded-resources.js";
import type { JSONSchemaProps } from "./json-schema.js";
import { validateListSetsAndMaps } from "./list-type-validation.js";
import { pruneUnknownFields } from "./pruning.js";
import { validateAgainstSchema } from "./schema-validation.js";
import { readPath } from "./simple-json-path.js";

// What kube's customResourceStrategy does for one served version of a CRD:
// prune unknown fields, apply the schema's defaults and coerce embedded
// resources' metadata on every decode; validate against the schema (with
// apiextensions-apiserver's messages), the embedded resources, the list types
// and the scale subresource's replica fields.

const MAX_INT32 = 2147483647;

type ScaleSpec = NonNullable<NonNullable<CrdVersion["subresources"]>["scale"]>;

/** The Go type name (%T) of a decoded JSON value. */
function goType(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** kube's ValidateScaleSpec / ValidateScaleStatus: the replica paths hold non-negative int32s. */
function validateScale(obj: KubeObject, scale: ScaleSpec | undefined): FieldError[] {
  const out: FieldError[] = [];
  if (!scale) return out;
  for (const path of [scale.specReplicasPath, scale.statusReplicasPath]) {
    const { found, value } = readPath(obj, path);
    if (!found || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      // NestedInt64 answers 0 with its error; kube prints that.
      out.push(
        invalidField(
          path,
          0,
          `${path} accessor error: ${String(value)} is of the type ${goType(value)}, expected int64`,
        ),
      );
    } else if (value < 0) out.push(invalidField(path, value, "should be a non-negative integer"));
    else if (value > MAX_INT32) out.push(invalidField(path, value, `should be less than or equal to ${MAX_INT32}`));
  }
  return out;
}

export interface CustomResourceSchema {
  schema?: JSONSchemaProps;
  preserveUnknownFields: boolean;
}

/** Prunes and defaults a custom resource in place, as it is decoded from a request or from etcd. */
export function normalizeCustomResource(obj: KubeObject, s: CustomResourceSchema): void {
  if (!s.preserveUnknownFields) pruneUnknownFields(obj, s.schema, true);
  applySchemaDefaults(obj, s.schema);
  coerceEmbeddedMetadata(s.schema, obj);
}

/**
 * The schema, scale and list-type errors of a custom resource; `old` is the stored object on update, whose lists,
 * if they already repeat an element, let the new ones do so too (kube's ratcheting).
 */
export function validateCustomResource(
  obj: KubeObject,
  s: CustomResourceSchema,
  version: CrdVersion,
  old?: KubeObject,
): FieldError[] {
  // The metadata is ObjectMeta, checked by the store; the schema speaks to the rest.
  const { metadata: _m, ...rest } = obj;
  const schema = s.schema ? { ...s.schema, properties: { ...(s.schema.properties ?? {}) } } : undefined;
  if (schema?.properties) delete schema.properties.metadata;
  const errors = [
    ...validateAgainstSchema(schema, rest),
    ...validateScale(obj, version.subresources?.scale),
    ...validateEmbeddedResources(s.schema, obj),
  ];
  if (!old || validateListSetsAndMaps(s.schema, old).length === 0)
    errors.push(...validateListSetsAndMaps(s.schema, obj));
  return errors;
}

export function customResourceStrategy(s: CustomResourceSchema, version: CrdVersion): KindStrategy {
  return {
    default: (obj) => normalizeCustomResource(obj, s),
    validate: (obj, old) => validateCustomResource(obj, s, version, old),
  };
}

/** Throws kube's 422 for a custom resource that fails its schema (status writes, which the store does not validate). */
export function assertValid(
  obj: KubeObject,
  old: KubeObject,
  s: CustomResourceSchema,
  version: CrdVersion,
  group: string,
  kind: string,
) {
  const errors = validateCustomResource(obj, s, version, old);
  if (errors.length > 0) {
    throw invalidStatus({ group, kind }, String((obj.metadata as { name?: string } | undefined)?.name ?? ""), errors);
  }
}

import {
  type FieldError,
  FieldPath,
  invalidField,
  invalidJsonField,
  isDNS1035Label,
  nameIsPathSegment,
  requiredField,
  validateObjectMeta,
} from "@wharf/apimachinery";
import { additionalSchema, isObj, type JSONSchemaProps, type Obj } from "./json-schema.js";

// Objects a schema marks x-kubernetes-embedded-resource are resources inside a
// custom resource (a Pod template, say): kube requires their apiVersion and
// kind, validates their metadata as ObjectMeta (apiextensions-apiserver's
// objectmeta.Validate) and, on decode, keeps only what ObjectMeta holds
// (objectmeta.Coerce).

/** ObjectMeta's JSON fields and the Go type a value of each must decode into. */
const META_FIELDS: Record<string, "string" | "int64" | "map[string]string" | "[]string" | "object" | "array"> = {
  name: "string",
  generateName: "string",
  namespace: "string",
  selfLink: "string",
  uid: "string",
  resourceVersion: "string",
  generation: "int64",
  creationTimestamp: "string",
  deletionTimestamp: "string",
  deletionGracePeriodSeconds: "int64",
  labels: "map[string]string",
  annotations: "map[string]string",
  ownerReferences: "array",
  finalizers: "[]string",
  managedFields: "array",
};

/** Go's name for the JSON type of a value, as encoding/json's UnmarshalTypeError prints it. */
function jsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}

/** The error encoding/json gives for metadata that does not decode into ObjectMeta, if any. */
function metadataDecodeError(v: unknown): string | undefined {
  if (v === null) return undefined;
  if (!isObj(v)) return `json: cannot unmarshal ${jsonKind(v)} into Go value of type v1.ObjectMeta`;
  for (const [k, x] of Object.entries(v)) {
    const want = META_FIELDS[k];
    if (want === undefined || x === null) continue;
    const ok =
      want === "string"
        ? typeof x === "string"
        : want === "int64"
          ? Number.isInteger(x)
          : want === "array" || want === "[]string"
            ? Array.isArray(x) && (want === "array" || x.every((e) => typeof e === "string" || e === null))
            : isObj(x) && Object.values(x).every((e) => typeof e === "string" || e === null);
    if (!ok) {
      const kind = typeof x === "number" && want === "int64" ? `number ${x}` : jsonKind(x);
      return `json: cannot unmarshal ${kind} into Go struct field ObjectMeta.${k} of type ${want === "array" ? "[]v1.Object" : want}`;
    }
  }
  return undefined;
}

/** Calls `fn` on each object `x` holds where its schema marks an embedded resource, with its path. */
function forEachEmbedded(
  s: JSONSchemaProps | undefined,
  x: unknown,
  path: FieldPath | undefined,
  fn: (o: Obj, path: FieldPath | undefined) => void,
): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => {
      forEachEmbedded(s.items, v, path ? path.index(i) : FieldPath.of(`[${i}]`), fn);
    });
    return;
  }
  if (!isObj(x)) return;
  if (s["x-kubernetes-embedded-resource"] === true) fn(x, path);
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    const prop = s.properties?.[k];
    if (prop) forEachEmbedded(prop, v, path ? path.child(k) : FieldPath.of(k), fn);
    else if (extra) forEachEmbedded(extra, v, path ? path.key(k) : FieldPath.of(`[${k}]`), fn);
  }
}

/** Whether a schema marks some object below its root an embedded resource, remembered per schema. */
const embedding = new WeakMap<JSONSchemaProps, boolean>();
function embedsResources(schema: JSONSchemaProps): boolean {
  let known = embedding.get(schema);
  if (known === undefined) {
    const below = (s: unknown): boolean => {
      if (!isObj(s)) return false;
      const n = s as JSONSchemaProps;
      return (
        n["x-kubernetes-embedded-resource"] === true ||
        below(n.items) ||
        below(n.additionalProperties) ||
        Object.values(n.properties ?? {}).some(below)
      );
    };
    known =
      below(schema.items) || below(schema.additionalProperties) || Object.values(schema.properties ?? {}).some(below);
    embedding.set(schema, known);
  }
  return known;
}

const at = (path: FieldPath | undefined, k: string) => (path ? path.child(k) : FieldPath.of(k));

/** The errors of the embedded resources in a custom resource (its own metadata is the store's business). */
export function validateEmbeddedResources(schema: JSONSchemaProps | undefined, obj: Obj): FieldError[] {
  const out: FieldError[] = [];
  forEachEmbedded({ ...schema, "x-kubernetes-embedded-resource": false }, obj, undefined, (o, path) => {
    if (!("apiVersion" in o)) out.push(requiredField(at(path, "apiVersion"), "must not be empty"));
    if (!("kind" in o)) out.push(requiredField(at(path, "kind"), "must not be empty"));
    for (const [k, v] of Object.entries(o)) {
      if (k === "apiVersion" || k === "kind") {
        const p = at(path, k);
        if (typeof v !== "string") out.push(invalidJsonField(p, v, "must be a string"));
        else if (v === "") out.push(invalidField(p, v, "must not be empty"));
        else if (k === "apiVersion" && v.split("/").length > 2) {
          out.push(invalidField(p, v, `unexpected GroupVersion string: ${v}`));
        } else if (k === "kind") {
          const errs = isDNS1035Label(v.toLowerCase());
          if (errs.length > 0)
            out.push(invalidField(p, v, `may have mixed case, but should otherwise match: ${errs.join(",")}`));
        }
      } else if (k === "metadata") {
        const p = at(path, "metadata");
        const err = metadataDecodeError(v);
        if (err !== undefined) out.push(invalidJsonField(p, v, err));
        else if (isObj(v)) {
          const meta = v as { name?: string; namespace?: string };
          out.push(
            ...validateObjectMeta(
              { ...v, name: meta.name || "fakename" },
              { namespaced: (meta.namespace ?? "") !== "", nameValidator: nameIsPathSegment, path: p },
            ),
          );
        }
      }
    }
  });
  return out;
}

/** Whether a decoded ObjectMeta field's value is Go's zero value, which its `omitempty` tag drops. */
function omitted(v: unknown): boolean {
  if (v === null || v === "" || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObj(v) && Object.keys(v).length === 0;
}

/** Keeps in each embedded resource's metadata only what a round trip through ObjectMeta keeps, in place. */
export function coerceEmbeddedMetadata(schema: JSONSchemaProps | undefined, obj: Obj): void {
  // Runs on every decode, reads from etcd included: most schemas embed no resource and need no walk.
  if (!schema || !embedsResources(schema)) return;
  forEachEmbedded({ ...schema, "x-kubernetes-embedded-resource": false }, obj, undefined, (o) => {
    const m = o.metadata;
    // Metadata that does not decode is left for validation to report.
    if (!isObj(m) || metadataDecodeError(m) !== undefined) return;
    for (const k of Object.keys(m)) if (META_FIELDS[k] === undefined || omitted(m[k])) delete m[k];
  });
}

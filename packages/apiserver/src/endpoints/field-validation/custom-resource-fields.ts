import { additionalSchema, isObj, type JSONSchemaProps } from "../../apiextensions/json-schema.js";
import { childPath, indexPath } from "./strict-errors.js";

// The unknown fields of a custom resource: the paths apiextensions'
// pruning removes (see apiextensions/pruning.ts, whose walk this follows
// without changing the object), sorted as kube sorts them.

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

function pruned(x: unknown, s: JSONSchemaProps | undefined, embedded: boolean, path: string, out: string[]): void {
  if (s?.["x-kubernetes-preserve-unknown-fields"]) {
    preserved(x, s, path, out);
    return;
  }
  if (Array.isArray(x)) {
    const items = s?.items;
    for (const [i, v] of x.entries()) {
      pruned(v, items, items?.["x-kubernetes-embedded-resource"] === true, indexPath(path, i), out);
    }
    return;
  }
  if (!isObj(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) out.push(childPath(path, k));
    return;
  }
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = s.properties?.[k] ?? extra;
    if (prop) pruned(v, prop, prop["x-kubernetes-embedded-resource"] === true, childPath(path, k), out);
    else if (s.additionalProperties !== true && (!META_FIELDS.has(k) || path !== "")) out.push(childPath(path, k));
  }
}

/** Below x-kubernetes-preserve-unknown-fields unknown members stay; declared ones are still looked into. */
function preserved(x: unknown, s: JSONSchemaProps, path: string, out: string[]): void {
  if (Array.isArray(x)) {
    const items = s.items;
    if (items) for (const [i, v] of x.entries()) preserved(v, items, indexPath(path, i), out);
    return;
  }
  if (!isObj(x)) return;
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    if (s["x-kubernetes-embedded-resource"] && META_FIELDS.has(k)) continue;
    const prop = s.properties?.[k] ?? extra;
    if (prop) pruned(v, prop, prop["x-kubernetes-embedded-resource"] === true, childPath(path, k), out);
  }
}

/** The sorted paths pruning would remove from a whole custom resource. */
export function prunedPaths(obj: unknown, schema: JSONSchemaProps | undefined): string[] {
  const out: string[] = [];
  pruned(obj, { ...(schema ?? {}), "x-kubernetes-embedded-resource": true }, true, "", out);
  return out.sort();
}

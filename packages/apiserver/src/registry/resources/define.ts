import { ALL_VERBS, type ResourceDefinition, type SubresourceDefinition } from "../resource-definition.js";
import type { KubeObject } from "../strategy.js";

// Shorthands for the per-group tables: most resources differ from the
// defaults (all eight verbs, kind + "List", lower-case singular, stored
// under their plural) in a field or two.

type Options = Partial<Omit<ResourceDefinition, "group" | "version" | "kind" | "resource">> & { namespaced: boolean };

export function define(group: string, version: string, kind: string, resource: string, o: Options): ResourceDefinition {
  return {
    group,
    version,
    kind,
    resource,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    storagePath: resource,
    ...o,
  };
}

/** A create-only resource that is answered, never stored (reviews, bindings). */
export function createOnly(group: string, version: string, kind: string, resource: string, namespaced: boolean) {
  return define(group, version, kind, resource, { namespaced, verbs: ["create"], storagePath: "", stored: false });
}

const GET_PATCH_UPDATE = ["get", "patch", "update"];

export const status: SubresourceDefinition = { name: "status", verbs: GET_PATCH_UPDATE };
export const scale: SubresourceDefinition = {
  name: "scale",
  kind: "Scale",
  group: "autoscaling",
  version: "v1",
  verbs: GET_PATCH_UPDATE,
};

/** A subresource kube-apiserver serves that this server does not yet: kept out of discovery. */
export function notYetServed(s: SubresourceDefinition): SubresourceDefinition {
  return { ...s, served: false };
}

/** Reads a dotted path of a served object as a field selector value ("" when missing, as kube's zero values). */
export function fieldAt(path: string): (o: KubeObject) => string {
  const keys = path.split(".");
  return (o) => {
    let cur: unknown = o;
    for (const k of keys) cur = (cur as Record<string, unknown> | undefined)?.[k];
    return cur === undefined || cur === null ? "" : String(cur);
  };
}

/** An integer field that kube formats with strconv.Itoa: "0" when missing. */
export function intFieldAt(path: string): (o: KubeObject) => string {
  const read = fieldAt(path);
  return (o) => read(o) || "0";
}

/** A bool field formatted as strconv.FormatBool: "false" when missing. */
export function boolFieldAt(path: string): (o: KubeObject) => string {
  const read = fieldAt(path);
  return (o) => (read(o) === "true" ? "true" : "false");
}

import { badRequest } from "@wharf/apimachinery";
import type { KubeObject } from "../registry/generic-store.js";
import { apiVersionOf, type ResourceDefinition } from "../registry/resource-definition.js";
import { defaultPrinter, type Printer, printerFor } from "./table-columns/index.js";

// Server-side printing: a GET or list asked for with
// Accept: application/json;as=Table;g=meta.k8s.io;v=v1 (or v=v1beta1) answers
// a meta.k8s.io Table with the columns kube-apiserver 1.28 prints for the
// kind (table-columns/), every column included (kubectl hides priority > 0
// unless -o wide), and each row's object as ?includeObject= asks:
// PartialObjectMetadata (the default, "Metadata"), the whole object
// ("Object"), or none ("None").

/** The meta.k8s.io version of Table the Accept header asks for, or undefined when it asks for no Table. */
export function tableVersion(accept: string): "v1" | "v1beta1" | undefined {
  const clauses = accept
    .split(",")
    .map((clause, index) => {
      const [mediaType, ...rawParams] = clause.split(";").map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rawParams) {
        const eq = p.indexOf("=");
        if (eq > 0)
          params[p.slice(0, eq).trim().toLowerCase()] = p
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, "$1");
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      return { mediaType: mediaType.toLowerCase(), params, q: Number.isNaN(q) ? 0 : q, index };
    })
    .filter((c) => c.mediaType !== "" && c.q > 0)
    // Most preferred first; equally preferred ones in the order given.
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const c of clauses) {
    if (!["application/json", "application/*", "*/*"].includes(c.mediaType)) continue;
    const as = c.params.as;
    if (as === undefined) return undefined;
    if (as === "Table" && c.params.g === "meta.k8s.io" && (c.params.v === "v1" || c.params.v === "v1beta1")) {
      return c.params.v;
    }
    // A conversion the server cannot make (another kind or version): kube tries the next clause.
    if (as !== "Table") return undefined;
  }
  return undefined;
}

export function wantsTable(accept: string): boolean {
  return tableVersion(accept) !== undefined;
}

export interface TableOptions {
  /** The includeObject query parameter: Metadata (default), Object or None. */
  includeObject?: string | null;
  /** The request's Accept header, so that a client asking for meta.k8s.io/v1beta1 gets that version. */
  accept?: string;
  /** Leave the column definitions out (kube does this for the events after the first of a watch). */
  noHeaders?: boolean;
  /** The time ages are counted to (milliseconds since the epoch); now unless given. */
  now?: number;
}

const INCLUDE_OBJECT = ["", "Metadata", "None", "Object"];

/**
 * The Table for a list (`{items, metadata}`) or for one object. The third
 * argument is either the options or, for short, the includeObject parameter.
 */
export function toTable(def: ResourceDefinition, list: KubeObject, opts: TableOptions | string = {}): KubeObject {
  const options: TableOptions = typeof opts === "string" ? { includeObject: opts } : opts;
  const includeObject = options.includeObject ?? "";
  if (!INCLUDE_OBJECT.includes(includeObject)) {
    throw badRequest(
      `Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(includeObject)}: must be 'Metadata', 'Object', 'None', or empty`,
    );
  }
  const version = (options.accept !== undefined && tableVersion(options.accept)) || "v1";
  const printer: Printer = def.printer ?? printerFor(def.group, def.kind) ?? defaultPrinter;
  const now = options.now ?? Date.now();

  const isList = Array.isArray(list.items);
  const items = isList ? (list.items as KubeObject[]) : [list];
  const listMeta = (list.metadata ?? {}) as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  if (isList) {
    for (const k of ["resourceVersion", "continue", "remainingItemCount"]) {
      if (listMeta[k] !== undefined && listMeta[k] !== "") metadata[k] = listMeta[k];
    }
  } else if (typeof listMeta.resourceVersion === "string" && listMeta.resourceVersion !== "") {
    metadata.resourceVersion = listMeta.resourceVersion;
  }

  const rows = items.map((o) => {
    const row: Record<string, unknown> = { cells: printer.cells(o, now) };
    const conditions = printer.conditions?.(o);
    if (conditions) row.conditions = conditions;
    row.object = rowObject(def, o, includeObject, version);
    return row;
  });
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: options.noHeaders ? null : printer.columns.map((c) => ({ ...c })),
    // kube's default table (no printer) leaves an empty list's rows unset.
    rows: rows.length === 0 && printer === defaultPrinter ? null : rows,
  };
}

function rowObject(def: ResourceDefinition, o: KubeObject, includeObject: string, version: string): unknown {
  switch (includeObject) {
    case "None":
      return null;
    case "Object": {
      const { apiVersion, kind, ...rest } = o;
      return { kind: kind ?? def.kind, apiVersion: apiVersion ?? apiVersionOf(def), ...rest };
    }
    default:
      return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: o.metadata ?? {} };
  }
}

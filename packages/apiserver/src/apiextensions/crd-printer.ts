import { since } from "../endpoints/table-columns/human-duration.js";
import { column, doc, nameColumn, nameOf, type Obj, type Printer } from "../endpoints/table-columns/object.js";
import type { PrinterColumn } from "./crd-validation.js";
import { readPath } from "./simple-json-path.js";

// The Table of a custom resource version (apiextensions-apiserver's
// tableconvertor): NAME, then the version's additionalPrinterColumns, or
// AGE when it declares none. Cells are typed as the column says; dates print
// as the time since, as kubectl shows AGE.

const DEFAULT_COLUMNS: PrinterColumn[] = [
  {
    name: "Age",
    type: "date",
    description: doc("meta/v1.ObjectMeta.creationTimestamp"),
    jsonPath: ".metadata.creationTimestamp",
  },
];

/** A value as kube's JSONPath text output prints it (fmt.Print of the decoded value). */
function printed(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** cellForJSONValue: the cell of a typed column, or null when the value does not have that type. */
function cell(type: string, v: unknown, now: number): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "string":
      return printed(v);
    case "integer":
      return typeof v === "number" ? Math.trunc(v) : null;
    case "number":
      return typeof v === "number" ? v : null;
    case "boolean":
      return typeof v === "boolean" ? v : null;
    case "date": {
      if (typeof v !== "string") return null;
      if (Number.isNaN(Date.parse(v))) return "<invalid>";
      return since(v, now);
    }
    default:
      return null;
  }
}

export function customResourcePrinter(columns: PrinterColumn[] | undefined): Printer {
  const cols = columns && columns.length > 0 ? columns : DEFAULT_COLUMNS;
  return {
    columns: [
      nameColumn(),
      ...cols.map((c) =>
        column(
          c.name,
          c.type,
          c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
          {
            priority: c.priority ?? 0,
            format: c.format ?? "",
          },
        ),
      ),
    ],
    cells: (o: Obj, now: number) => [
      nameOf(o),
      ...cols.map((c) => {
        const r = readPath(o, c.jsonPath);
        return r.found ? cell(c.type, r.value, now) : null;
      }),
    ],
  };
}

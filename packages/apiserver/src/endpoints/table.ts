import type { KubeObject } from "../registry/generic-store.js";
import type { ResourceDefinition } from "../registry/resource-definition.js";

// Server-side printing (Accept: application/json;as=Table;g=meta.k8s.io;v=v1),
// with the columns kube-apiserver prints for each built-in kind.

export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept);
}

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell: (o: KubeObject) => unknown;
}

function age(o: KubeObject): string {
  const ts = (o.metadata as { creationTimestamp?: string } | undefined)?.creationTimestamp;
  if (!ts) return "<unknown>";
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const nameColumn: Column = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace.",
  priority: 0,
  cell: (o) => (o.metadata as { name?: string }).name,
};
const ageColumn: Column = {
  name: "Age",
  type: "string",
  format: "",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
  priority: 0,
  cell: age,
};
const dataCount = (o: KubeObject) =>
  Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length;

const columns: Record<string, Column[]> = {
  Namespace: [
    nameColumn,
    {
      name: "Status",
      type: "string",
      format: "",
      description: "The status of the namespace",
      priority: 0,
      cell: (o) => (o.status as { phase?: string } | undefined)?.phase ?? "",
    },
    ageColumn,
  ],
  ConfigMap: [
    nameColumn,
    { name: "Data", type: "string", format: "", description: "", priority: 0, cell: dataCount },
    ageColumn,
  ],
  Secret: [
    nameColumn,
    { name: "Type", type: "string", format: "", description: "", priority: 0, cell: (o) => o.type ?? "" },
    { name: "Data", type: "string", format: "", description: "", priority: 0, cell: dataCount },
    ageColumn,
  ],
};

export function toTable(def: ResourceDefinition, list: KubeObject): KubeObject {
  const cols = columns[def.kind] ?? [nameColumn, ageColumn];
  const items = (list.items as KubeObject[]) ?? [];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: list.metadata,
    columnDefinitions: cols.map(({ cell: _c, ...c }) => c),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}

// Reading decoded JSON objects without trusting their shape, and the column
// and printer types every kind's table module builds on.

import { type FieldDoc, fieldDocs } from "./descriptions.js";
import { since } from "./human-duration.js";

export type Obj = Record<string, unknown>;

/** One column of a meta.k8s.io Table, as kube-apiserver describes it. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A condition on a row (kube sets "Completed" on pods that have finished). */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** How one kind is printed: its columns and, for one object, the cells in the same order. */
export interface Printer {
  columns: readonly ColumnDefinition[];
  cells(obj: Obj, now: number): unknown[];
  conditions?(obj: Obj): RowCondition[] | undefined;
}

/** The value at a path of keys, or undefined when any step is missing or not an object. */
export function at(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const k of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Obj)[k];
  }
  return v;
}

export function str(v: unknown, dflt = ""): string {
  return typeof v === "string" ? v : dflt;
}

export function int(v: unknown, dflt = 0): number {
  return typeof v === "number" && Number.isFinite(v) ? v : dflt;
}

export function bool(v: unknown, dflt = false): boolean {
  return typeof v === "boolean" ? v : dflt;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function record(v: unknown): Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(record(v))) if (typeof x === "string") out[k] = x;
  return out;
}

export const nameOf = (o: Obj): string => str(at(o, "metadata", "name"));
export const creationOf = (o: Obj): unknown => at(o, "metadata", "creationTimestamp");
/** The AGE cell: how long ago the object was created, as kube prints it. */
export const ageOf = (o: Obj, now: number): string => since(creationOf(o), now);
export const annotationsOf = (o: Obj): Record<string, string> => stringMap(at(o, "metadata", "annotations"));

/** Field documentation (kube's OpenAPI field descriptions) by "group/version.Type.field". */
export function doc(key: FieldDoc): string {
  return fieldDocs[key];
}

/** A column; priority 1 marks the columns kubectl shows only with -o wide. */
export function column(
  name: string,
  type: string,
  description: string,
  opts: { priority?: number; format?: string } = {},
): ColumnDefinition {
  return { name, type, format: opts.format ?? "", description, priority: opts.priority ?? 0 };
}

export const nameColumn = (): ColumnDefinition =>
  column("Name", "string", doc("meta/v1.ObjectMeta.name"), { format: "name" });
export const ageColumn = (): ColumnDefinition => column("Age", "string", doc("meta/v1.ObjectMeta.creationTimestamp"));
export const containersColumn = (priority = 1): ColumnDefinition =>
  column("Containers", "string", "Names of each container in the template.", { priority });
export const imagesColumn = (priority = 1): ColumnDefinition =>
  column("Images", "string", "Images referenced by each container in the template.", { priority });

/** The comma-joined container names and images of a pod spec, as the CONTAINERS and IMAGES columns show them. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = list(at(podSpec, "containers"));
  return [containers.map((c) => str(at(c, "name"))).join(","), containers.map((c) => str(at(c, "image"))).join(",")];
}

/** kube's printBoolPtr: True, False, or <unset>. */
export function boolPtr(v: unknown): string {
  if (typeof v !== "boolean") return "<unset>";
  return v ? "True" : "False";
}

/** An IntOrString as Go prints it. */
export function intOrString(v: unknown): string {
  if (typeof v === "number") return String(Math.trunc(v));
  return str(v);
}

/** Up to `max` items joined by commas, then " + N more...": the way kube shortens long lists. */
export function listWithMore(items: string[], total: number, max: number, ifEmpty: string): string {
  const ret = items.slice(0, max).join(",");
  if (total > max) return `${ret} + ${total - max} more...`;
  return ret === "" ? ifEmpty : ret;
}

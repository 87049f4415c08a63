import { FieldSet } from "./field-path.js";

// metadata.managedFields as kube-apiserver reads and writes it: one entry
// per manager, operation (Apply or Update) and subresource (and, for
// updates, apiVersion), each with the set of fields it owns as FieldsV1.

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface Manager {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/**
 * The identifier kube keys managers by: the entry without its fields and
 * time, and without apiVersion for appliers (so an applier is one manager
 * whatever version it applies with).
 */
export function managerId(m: Pick<Manager, "manager" | "operation" | "apiVersion" | "subresource">): string {
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === "Update" && m.apiVersion) id.apiVersion = m.apiVersion;
  if (m.subresource) id.subresource = m.subresource;
  return JSON.stringify(id);
}

/** A manager as kube's conflict messages print it: `"kubectl" with subresource "scale" using apps/v1`. */
export function printManager(m: Pick<Manager, "manager" | "operation" | "apiVersion" | "subresource">): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s = `${s} with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === "Update" ? `${s} using ${m.apiVersion}` : s;
}

/** The managers of an object, keyed by identifier. */
export type Managed = Map<string, Manager>;

/** Thrown for managedFields that do not decode; kube then falls back to the live object's. */
export class ManagedFieldsDecodeError extends Error {}

export function decodeManagedFields(entries: unknown): Managed {
  const out: Managed = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new ManagedFieldsDecodeError("managedFields must be a list");
  for (const raw of entries as ManagedFieldsEntry[]) {
    if (raw === null || typeof raw !== "object") throw new ManagedFieldsDecodeError("invalid managedFields entry");
    if (raw.operation !== "Apply" && raw.operation !== "Update") {
      throw new ManagedFieldsDecodeError(`invalid operation ${JSON.stringify(raw.operation)}`);
    }
    if (raw.fieldsType !== undefined && raw.fieldsType !== "FieldsV1") {
      throw new ManagedFieldsDecodeError(`invalid fieldsType ${JSON.stringify(raw.fieldsType)}`);
    }
    let set: FieldSet;
    try {
      set = raw.fieldsV1 === undefined ? new FieldSet() : FieldSet.fromFieldsV1(raw.fieldsV1);
    } catch (e) {
      throw new ManagedFieldsDecodeError((e as Error).message);
    }
    const m: Manager = {
      manager: String(raw.manager ?? ""),
      operation: raw.operation,
      apiVersion: String(raw.apiVersion ?? ""),
      set,
    };
    if (raw.subresource) m.subresource = raw.subresource;
    if (raw.time) m.time = raw.time;
    const id = managerId(m);
    if (out.has(id)) throw new ManagedFieldsDecodeError(`duplicate entries for manager ${id}`);
    out.set(id, m);
  }
  return out;
}

/** Whether a request's managedFields ask for a reset: an empty list, or one empty entry. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return (
    entries.length === 1 &&
    entries[0] !== null &&
    typeof entries[0] === "object" &&
    Object.keys(entries[0] as object).length === 0
  );
}

const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** The entries in kube's order: by operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const list = [...managed.values()].filter((m) => !m.set.empty());
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? "", q.subresource ?? ""),
  );
  return list.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = "FieldsV1";
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

/** metav1.Time as JSON: RFC 3339 in whole seconds, UTC. */
export const nowTime = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

/** kube keeps at most this many Update managers; older ones merge into "ancient-changes". */
export const MAX_UPDATE_MANAGERS = 10;

/** Merges the oldest update managers, per apiVersion, into "ancient-changes" until at most `max` are left. */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.entries()].filter(([, m]) => m.operation === "Update").map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => seconds(managed.get(a)!.time) - seconds(managed.get(b)!.time) || (a < b ? -1 : 1));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i]!;
    const m = managed.get(id)!;
    const bucket = managerId({ manager: "ancient-changes", operation: "Update", apiVersion: m.apiVersion });
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    if (!managed.has(bucket)) {
      const f = managed.get(first)!;
      managed.delete(first);
      managed.set(bucket, { ...f, manager: "ancient-changes", subresource: undefined });
    }
    const b = managed.get(bucket)!;
    managed.set(bucket, { ...b, set: m.set.union(b.set), time: m.time });
    managed.delete(id);
    length--;
  }
}

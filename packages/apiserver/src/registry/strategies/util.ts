// Small accessors for decoded JSON objects, shared by the kind strategies.

import { isDeepStrictEqual } from "node:util";

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object under `key`, created (as Go's zero-value struct would be) when missing. */
export function child(o: Obj, key: string): Obj {
  const v = o[key];
  if (isObj(v)) return v;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
}

/** The object under `key`, or undefined. */
export function sub(o: unknown, key: string): Obj | undefined {
  if (!isObj(o)) return undefined;
  const v = o[key];
  return isObj(v) ? v : undefined;
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function objs(v: unknown): Obj[] {
  return arr(v).map((x) => (isObj(x) ? x : {}));
}

export function strMap(v: unknown): Record<string, string> | undefined {
  return isObj(v) ? (v as Record<string, string>) : undefined;
}

/** A number field; NaN-free. */
export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** setDefault for string fields: an empty string counts as unset, as in Go. */
export function setDefaultStr(o: Obj, key: string, value: string): void {
  if (o[key] === undefined || o[key] === null || o[key] === "") o[key] = value;
}

/** Go's semantic equality of two decoded values: a missing field equals null. */
export function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalize(a), normalize(b));
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) {
      const x = v[k];
      if (x === undefined || x === null || (Array.isArray(x) && x.length === 0)) continue;
      out[k] = normalize(x);
    }
    return out;
  }
  return v;
}

export function sortedKeys(o: Obj | undefined): string[] {
  return o ? Object.keys(o).sort() : [];
}

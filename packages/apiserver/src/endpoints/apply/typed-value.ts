import { isDeepStrictEqual } from "node:util";
import {
  elementKey,
  FieldSet,
  field,
  keyed,
  type Path,
  type PathElement,
  pathString,
  type Scalar,
} from "./field-path.js";
import type { TypeNode } from "./type-schema.js";

// An object walked along its type, as structured-merge-diff's typed values
// are: the set of fields it sets (ToFieldSet), what changed between two of
// them (Compare), removing a set of fields (RemoveItems) and merging an
// applied configuration into a live object (Merge).

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || ["string", "number", "boolean"].includes(typeof v);

/** A value that is not a valid instance of its type: kube answers these with an error naming the path. */
export class TypedValueError extends Error {}

/**
 * The path element of a list item: its key for keyed lists (a missing
 * `protocol` key field takes its API default, "TCP"), its value for sets.
 */
export function itemElement(list: TypeNode, item: unknown, path: Path): PathElement {
  const { kind, keys } = list.list;
  if (kind === "map" && keys.length > 0) {
    if (!isObj(item)) {
      throw new TypedValueError(`${pathString(path)}: associative list with keys may not have non-map elements`);
    }
    const fields: [string, Scalar][] = [];
    for (const k of keys) {
      let v = item[k];
      if (v === undefined) v = list.items.defaultOf(k) ?? (k === "protocol" ? "TCP" : undefined);
      if (v === undefined) {
        throw new TypedValueError(
          `${pathString(path)}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
        );
      }
      if (!isScalar(v))
        throw new TypedValueError(`${pathString(path)}: key field ${JSON.stringify(k)} must be a scalar`);
      fields.push([k, v]);
    }
    return keyed(fields);
  }
  if (isObj(item)) {
    throw new TypedValueError(`${pathString(path)}: associative list without keys has an element that's a map type`);
  }
  if (Array.isArray(item)) {
    throw new TypedValueError(`${pathString(path)}: associative list without keys has an element that's a list type`);
  }
  return { kind: "v", value: item };
}

/** Whether a list is walked item by item (keyed lists and sets) rather than as one value. */
const granularList = (node: TypeNode) => node.list.kind !== "atomic";

/** The list's items by path element key; with duplicates, the first. */
function indexItems(node: TypeNode, list: unknown[], path: Path): { pes: PathElement[]; byKey: Map<string, unknown> } {
  const pes: PathElement[] = [];
  const byKey = new Map<string, unknown>();
  for (const item of list) {
    const pe = itemElement(node, item, path);
    const k = elementKey(pe);
    if (byKey.has(k)) continue;
    byKey.set(k, item);
    pes.push(pe);
  }
  return { pes, byKey };
}

/** ToFieldSet: the fields `value` sets (leaves, list items, map entries, empty structs, atomic values). */
export function toFieldSet(value: unknown, node: TypeNode, out = new FieldSet(), path: Path = []): FieldSet {
  if (Array.isArray(value)) {
    if (!granularList(node)) {
      if (path.length > 0) out.insert(path);
      return out;
    }
    for (const item of value) {
      const p = [...path, itemElement(node, item, path)];
      toFieldSet(item, node.items, out, p);
      out.insert(p);
    }
    return out;
  }
  if (isObj(value)) {
    if (node.atomicMap) {
      if (path.length > 0) out.insert(path);
      return out;
    }
    for (const [k, v] of Object.entries(value)) {
      const p = [...path, field(k)];
      toFieldSet(v, node.child(k), out, p);
      if (v === null || (isObj(v) && Object.keys(v).length === 0) || !node.isNamedField(k)) out.insert(p);
    }
    return out;
  }
  if (path.length > 0) out.insert(path);
  return out;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compare: the fields `rhs` adds to, changes in and removes from `lhs`. */
export function compare(lhs: unknown, rhs: unknown, node: TypeNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, node, [], c);
  return c;
}

function leaf(lhs: unknown, rhs: unknown, path: Path, c: Comparison): void {
  if (path.length === 0) return;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!isDeepStrictEqual(lhs, rhs)) c.modified.insert(path);
}

function walkCompare(lhs: unknown, rhs: unknown, node: TypeNode, path: Path, c: Comparison): void {
  if (lhs === undefined && rhs === undefined) return;
  const isList = (v: unknown) => v === undefined || Array.isArray(v);
  const isMap = (v: unknown) => v === undefined || isObj(v);
  if (isList(lhs) && isList(rhs)) {
    const l = (lhs ?? []) as unknown[];
    const r = (rhs ?? []) as unknown[];
    if (!granularList(node) || (l.length === 0 && r.length === 0)) {
      leaf(lhs, rhs, path, c);
      return;
    }
    const li = indexItems(node, l, path);
    const ri = indexItems(node, r, path);
    const seen = new Set<string>();
    for (const pe of [...li.pes, ...ri.pes]) {
      const k = elementKey(pe);
      if (seen.has(k)) continue;
      seen.add(k);
      walkCompare(li.byKey.get(k), ri.byKey.get(k), node.items, [...path, pe], c);
    }
  } else if (isMap(lhs) && isMap(rhs)) {
    const l = (lhs ?? {}) as Obj;
    const r = (rhs ?? {}) as Obj;
    if (node.atomicMap || (Object.keys(l).length === 0 && Object.keys(r).length === 0)) {
      leaf(lhs, rhs, path, c);
      return;
    }
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      walkCompare(l[k], r[k], node.child(k), [...path, field(k)], c);
    }
  } else {
    leaf(lhs, rhs, path, c);
    return;
  }
  // A list or map that appears or disappears as a whole is itself added or removed.
  if (path.length === 0) return;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
}

/** Every proper prefix of the set's members, as element-key strings, for walking down to them. */
function prefixesOf(set: FieldSet): Set<string> {
  const out = new Set<string>();
  for (const p of set.list()) {
    for (let n = 1; n < p.length; n++) out.add(p.slice(0, n).map(elementKey).join("\u0000"));
  }
  return out;
}

/** RemoveItems: `value` without the fields (and everything under the fields) of `set`. */
export function removeItems(value: unknown, set: FieldSet, node: TypeNode): unknown {
  if (set.empty()) return value;
  const prefixes = prefixesOf(set);
  const walk = (v: unknown, n: TypeNode, path: Path): unknown => {
    if (Array.isArray(v) && granularList(n)) {
      const out: unknown[] = [];
      for (const item of v) {
        const p = [...path, itemElement(n, item, path)];
        if (set.has(p)) continue;
        const key = p.map(elementKey).join("\u0000");
        out.push(prefixes.has(key) ? walk(item, n.items, p) : item);
      }
      return out;
    }
    if (isObj(v) && !n.atomicMap) {
      const out: Obj = {};
      for (const [k, x] of Object.entries(v)) {
        const p = [...path, field(k)];
        if (set.has(p)) continue;
        const key = p.map(elementKey).join("\u0000");
        out[k] = prefixes.has(key) ? walk(x, n.child(k), p) : x;
      }
      return out;
    }
    return v;
  };
  return walk(value, node, []);
}

/**
 * The named fields (struct fields) on the way to each member, made members
 * themselves: structured-merge-diff's EnsureNamedFieldsAreMembers, which
 * lets pruning remove a struct whose fields nobody sets any more.
 */
export function withNamedFieldsAsMembers(set: FieldSet, root: TypeNode): FieldSet {
  const out = new FieldSet(set.list());
  for (const p of set.list()) {
    let node = root;
    for (let i = 0; i < p.length - 1; i++) {
      const pe = p[i]!;
      if (pe.kind === "f") {
        if (node.isNamedField(pe.name)) out.insert(p.slice(0, i + 1));
        node = node.child(pe.name);
      } else node = node.items;
    }
  }
  return out;
}

/** Merge: the applied configuration `config` over the live value, by the type's list and map semantics. */
export function merge(live: unknown, config: unknown, node: TypeNode, path: Path = []): unknown {
  if (config === undefined) return live;
  if (live === undefined || live === null) return structuredClone(config);
  if (isObj(live) && isObj(config) && !node.atomicMap) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(config)) {
      if (v === null) delete out[k];
      else out[k] = merge(live[k], v, node.child(k), [...path, field(k)]);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config) && granularList(node)) {
    return mergeList(live, config, node, path);
  }
  return structuredClone(config);
}

/**
 * Merges the items of a keyed list or set: the configuration's items in its
 * order, live-only items kept where they were relative to the shared ones
 * (structured-merge-diff's visitListItems order).
 */
function mergeList(live: unknown[], config: unknown[], node: TypeNode, path: Path): unknown[] {
  const l = indexItems(node, live, path);
  const r = indexItems(node, config, path);
  const lKeys = l.pes.map(elementKey);
  const rKeys = r.pes.map(elementKey);
  const inL = new Set(lKeys);
  const inR = new Set(rKeys);
  const shared = rKeys.filter((k) => inL.has(k));
  let nextShared = 0;
  const done = new Set<string>();
  const out: unknown[] = [];
  const emit = (k: string, pe: PathElement) => {
    done.add(k);
    out.push(merge(l.byKey.get(k), r.byKey.get(k), node.items, [...path, pe]));
  };
  let li = 0;
  let ri = 0;
  while (li < lKeys.length || ri < rKeys.length) {
    if (li < lKeys.length && ri < rKeys.length) {
      const lk = lKeys[li]!;
      if (lk === rKeys[ri]) {
        emit(lk, l.pes[li]!);
        li++;
        ri++;
        if (shared[nextShared] === lk) nextShared++;
        continue;
      }
      if (inR.has(lk) && nextShared < shared.length && shared[nextShared] !== lk && !done.has(lk)) {
        li++;
        continue;
      }
    }
    if (li < lKeys.length) {
      const lk = lKeys[li]!;
      if (!inR.has(lk)) {
        out.push(l.byKey.get(lk));
        li++;
        continue;
      }
      if (done.has(lk)) {
        li++;
        continue;
      }
    }
    if (ri < rKeys.length) {
      const rk = rKeys[ri]!;
      if (!done.has(rk)) emit(rk, r.pes[ri]!);
      ri++;
      if (shared[nextShared] === rk) nextShared++;
    } else li++;
  }
  return out;
}

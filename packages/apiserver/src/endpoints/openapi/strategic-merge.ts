import { badRequest, invalidPatch, type StatusError } from "@wharf/apimachinery";
import type { Definitions, Schema } from "./definitions.js";

// Strategic merge patch as kube-apiserver applies it to built-in kinds: a
// JSON merge patch whose lists merge according to the field's patch
// strategy — lists with strategy "merge" are merged by their merge key (or,
// for scalars, as sets) instead of replaced — plus the directives clients
// send: `$patch` (replace, delete) on maps and list items, `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`. The
// patch metadata comes from the OpenAPI definitions (x-kubernetes-patch-strategy
// and x-kubernetes-patch-merge-key); fields the schema does not describe
// merge as in a JSON merge patch.

type Obj = Record<string, unknown>;

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER = "$setElementOrder/";
const DELETE_FROM = "$deleteFromPrimitiveList/";

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Schemas as a patch walks them: a node's own schema, references resolved. */
class SchemaWalker {
  constructor(private readonly defs: Definitions) {}

  resolve(s: Schema | undefined): Schema | undefined {
    let cur = s;
    for (let i = 0; cur && typeof cur.$ref === "string" && i < 8; i++) {
      cur = this.defs.schemas.get(cur.$ref.slice(cur.$ref.lastIndexOf("/") + 1));
    }
    return cur;
  }

  /** The schema of field `key` of an object node (a map's value schema for maps), with its own extensions. */
  field(node: Schema | undefined, key: string): Schema | undefined {
    const r = this.resolve(node);
    const props = r?.properties as Record<string, Schema> | undefined;
    if (props?.[key]) return props[key];
    return isObj(r?.additionalProperties) ? (r.additionalProperties as Schema) : undefined;
  }

  items(list: Schema | undefined): Schema | undefined {
    const r = this.resolve(list);
    return isObj(r?.items) ? (r.items as Schema) : undefined;
  }
}

interface FieldMeta {
  /** "merge", "replace" or "": what happens to this field's value. */
  strategy: string;
  retainKeys: boolean;
  mergeKey: string;
}

function metaOf(s: Schema | undefined): FieldMeta {
  const strategies = String(s?.["x-kubernetes-patch-strategy"] ?? "")
    .split(",")
    .filter((x) => x !== "");
  const retainKeys = strategies.includes("retainKeys");
  const rest = strategies.filter((x) => x !== "retainKeys");
  if (rest.length > 1) throw badRequest(`unexpected patch strategy: ${strategies.join(",")}`);
  return { strategy: rest[0] ?? "", retainKeys, mergeKey: String(s?.["x-kubernetes-patch-merge-key"] ?? "") };
}

/** The value to store for a patch value taken as is: without directives; undefined when it is one. */
function withoutDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDirectives).filter((x) => x !== undefined);
  if (!isObj(v)) return v;
  if (DIRECTIVE in v) return undefined;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM)) continue;
    // A null in a patch for a field that does not exist yet has nothing to delete.
    if (x === null) continue;
    const y = withoutDirectives(x);
    if (y !== undefined) out[k] = y;
  }
  return out;
}

const keyOf = (item: unknown, mergeKey: string): unknown => (mergeKey === "" ? item : (item as Obj)?.[mergeKey]);

function indexIn(list: unknown[], item: unknown, mergeKey: string): number {
  const k = keyOf(item, mergeKey);
  return list.findIndex((x) => keyOf(x, mergeKey) === k);
}

/**
 * Orders a merged list: the items the patch names in the patch's order, the
 * others in the live order, interleaved so each keeps its place relative to
 * the live list where both are known.
 */
function ordered(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const inPatch = (x: unknown) => indexIn(patchOrder, x, mergeKey) >= 0;
  const byOrder = (order: unknown[]) => (a: unknown, b: unknown) => {
    const ia = indexIn(order, a, mergeKey);
    const ib = indexIn(order, b, mergeKey);
    return (ia < 0 ? Number.MAX_SAFE_INTEGER : ia) - (ib < 0 ? Number.MAX_SAFE_INTEGER : ib);
  };
  const patched = merged.filter(inPatch).sort(byOrder(patchOrder));
  const serverOnly = merged.filter((x) => !inPatch(x)).sort(byOrder(serverOrder));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    if (i >= serverOnly.length) out.push(patched[j++]);
    else if (j >= patched.length) out.push(serverOnly[i++]);
    else {
      const li = indexIn(serverOrder, serverOnly[i], mergeKey);
      const ri = indexIn(serverOrder, patched[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patched[j++]);
    }
  }
  return out;
}

class StrategicMerge {
  constructor(private readonly schemas: SchemaWalker) {}

  map(original: Obj | undefined, patch: Obj, schema: Schema | undefined): Obj {
    if (DIRECTIVE in patch) {
      const directive = patch[DIRECTIVE];
      if (directive === "replace") {
        const { [DIRECTIVE]: _d, ...replacement } = patch;
        return withoutDirectives(replacement) as Obj;
      }
      if (directive === "delete") return {};
      throw invalidPatch(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
    }
    const out: Obj = { ...(original ?? {}) };
    const rest: Obj = { ...patch };

    if (RETAIN_KEYS in rest) {
      const keep = rest[RETAIN_KEYS];
      delete rest[RETAIN_KEYS];
      if (!Array.isArray(keep)) throw badRequest("invalid patch format of retainKeys");
      for (const [k, v] of Object.entries(rest)) {
        if (v === null || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM)) continue;
        if (!keep.includes(k)) throw badRequest("invalid patch format of retainKeys");
      }
      for (const k of Object.keys(out)) if (!keep.includes(k)) delete out[k];
    }

    // Lists with an element order: merge them, then order them as the directive says.
    for (const [k, order] of Object.entries(rest)) {
      if (!k.startsWith(SET_ORDER)) continue;
      delete rest[k];
      const field = k.slice(SET_ORDER.length);
      if (!Array.isArray(order)) throw badRequest("invalid patch format of setElementOrder list");
      const fieldSchema = this.schemas.field(schema, field);
      const meta = metaOf(fieldSchema);
      const current = out[field];
      const patchList = rest[field];
      delete rest[field];
      if (current !== undefined && !Array.isArray(current)) throw badRequest(`expected a list at ${field}`);
      if (patchList !== undefined && patchList !== null && !Array.isArray(patchList)) {
        throw badRequest(`expected a list at ${field}`);
      }
      let merged: unknown[];
      if (patchList === undefined || patchList === null) {
        if (current === undefined) continue;
        merged = current as unknown[];
      } else if (current === undefined) merged = withoutDirectives(patchList) as unknown[];
      else merged = this.list(current as unknown[], patchList as unknown[], fieldSchema, meta);
      out[field] = ordered(merged, order, (current as unknown[] | undefined) ?? [], meta.mergeKey);
    }

    for (const [k, v] of Object.entries(rest)) {
      if (k.startsWith(DELETE_FROM)) {
        const field = k.slice(DELETE_FROM.length);
        if (!Array.isArray(v)) throw badRequest("invalid patch format of primitive list");
        const current = out[field];
        if (Array.isArray(current)) out[field] = current.filter((x) => !v.includes(x));
        continue;
      }
      if (v === null) {
        delete out[k];
        continue;
      }
      const current = out[k];
      const fieldSchema = this.schemas.field(schema, k);
      if (isObj(current) && isObj(v)) {
        const meta = metaOf(fieldSchema);
        out[k] = meta.strategy === "replace" ? (withoutDirectives(v) as Obj) : this.map(current, v, fieldSchema);
      } else if (Array.isArray(current) && Array.isArray(v)) {
        out[k] = this.list(current, v, fieldSchema, metaOf(fieldSchema));
      } else {
        const value = withoutDirectives(v);
        if (value === undefined) delete out[k];
        else out[k] = value;
      }
    }
    return out;
  }

  /** Merges a patch list into a live list by the field's strategy. */
  list(original: unknown[], patch: unknown[], listSchema: Schema | undefined, meta: FieldMeta): unknown[] {
    if (meta.strategy !== "merge") return withoutDirectives(patch) as unknown[];
    if (original.length === 0 && patch.length === 0) return original;
    const sample = [...original, ...patch].find((x) => x !== null && x !== undefined);
    if (Array.isArray(sample)) throw invalidPatch("lists of lists are not supported");
    if (!isObj(sample)) {
      // A set of scalars: the union, each value once.
      const merged: unknown[] = [];
      for (const x of [...original, ...patch]) if (!merged.includes(x)) merged.push(x);
      return ordered(merged, patch, original, "");
    }
    const key = meta.mergeKey;
    if (key === "") throw invalidPatch("cannot merge lists without merge key");
    let base = [...original];
    const items: Obj[] = [];
    let replace = false;
    for (const p of patch) {
      if (!isObj(p)) throw badRequest(`expected a map in list ${JSON.stringify(patch)}`);
      if (!(DIRECTIVE in p)) {
        items.push(p);
        continue;
      }
      if (p[DIRECTIVE] === "delete") {
        if (!(key in p)) throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
        base = base.filter((x) => keyOf(x, key) !== p[key]);
      } else if (p[DIRECTIVE] === "replace") replace = true;
      else if (p[DIRECTIVE] === "merge") throw badRequest("merging lists cannot yet be specified in the patch");
      else throw badRequest(`unknown patch type: ${String(p[DIRECTIVE])} in map: ${JSON.stringify(p)}`);
    }
    if (replace) return withoutDirectives(items) as unknown[];
    const itemSchema = this.schemas.items(listSchema);
    const merged = [...base];
    for (const p of items) {
      if (!(key in p)) throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
      const at = merged.findIndex((x) => isObj(x) && x[key] === p[key]);
      if (at >= 0) merged[at] = this.map(merged[at] as Obj, p, itemSchema);
      else merged.push(withoutDirectives(p));
    }
    return ordered(merged, items, original, key);
  }
}

/**
 * Applies a strategic merge patch to `original`, an object of the kind whose
 * OpenAPI definition is `definition` (undefined: merge without patch metadata).
 */
export function strategicMergePatch(
  defs: Definitions,
  definition: string | undefined,
  original: unknown,
  patch: unknown,
): unknown {
  if (!isObj(patch)) throw badRequest("the patch of a strategic merge patch must be a JSON object");
  const schema = definition === undefined ? undefined : { $ref: `#/definitions/${definition}` };
  try {
    return new StrategicMerge(new SchemaWalker(defs)).map(isObj(original) ? original : {}, patch, schema);
  } catch (e) {
    if ((e as StatusError).status) throw e;
    throw badRequest((e as Error).message);
  }
}

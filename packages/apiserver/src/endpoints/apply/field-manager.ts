import { isDeepStrictEqual } from "node:util";
import { badRequest } from "@wharf/apimachinery";
import type { KubeObject, ObjectMeta } from "../../registry/generic-store.js";
import { apiVersionOf, type ResourceDefinition, servedSubresource } from "../../registry/resource-definition.js";
import { applyConflictError, type Conflict, conflictsDifference, conflictsOf } from "./conflicts.js";
import { FieldSet, field, type Path } from "./field-path.js";
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  isResetManagedFields,
  type Managed,
  type Manager,
  managerId,
  nowTime,
} from "./managed-fields.js";
import { type TypeNode, typeOf } from "./type-schema.js";
import { compare, merge, removeItems, toFieldSet, withNamedFieldsAsMembers } from "./typed-value.js";

// kube-apiserver's field manager: every write records which manager owns
// which fields in metadata.managedFields. Updates (create, update, patch)
// own the fields they change; an apply owns the fields of its configuration,
// merges it into the live object, removes the fields it stopped applying
// that nobody else owns, and refuses (409) to change fields other managers
// own unless forced.

/** kubectl's client-side apply annotation. */
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The fields no manager is recorded for (kube's stripMetaManager). */
const STRIPPED = new FieldSet(
  [
    ["apiVersion"],
    ["kind"],
    ["metadata"],
    ...[
      "name",
      "namespace",
      "creationTimestamp",
      "selfLink",
      "uid",
      "clusterName",
      "generation",
      "managedFields",
      "resourceVersion",
    ].map((f) => ["metadata", f]),
  ].map((p) => p.map(field)),
);

/** Where a write happens: the kind, its version, the subresource, and the fields that endpoint resets. */
export interface FieldManagerScope {
  apiVersion: string;
  kind: string;
  subresource?: string;
  /** kube's reset fields: status on the main resource of kinds with a status subresource, spec on /status. */
  ignored: FieldSet;
  type: TypeNode;
}

export function scopeFor(def: ResourceDefinition, subresource?: string): FieldManagerScope {
  const ignored = new FieldSet();
  if (subresource === undefined && servedSubresource(def, "status")) ignored.insert([field("status")]);
  if (subresource === "status") ignored.insert([field("spec")]);
  const apiVersion = apiVersionOf(def);
  return { apiVersion, kind: def.kind, subresource, ignored, type: typeOf(apiVersion, def.kind) };
}

const metaOf = (o: KubeObject | undefined) => (o?.metadata ?? {}) as ObjectMeta;

/** The object without its managedFields, for comparing. */
function withoutManaged(o: KubeObject | undefined): KubeObject {
  if (!o) return {};
  const { managedFields: _m, ...meta } = metaOf(o);
  return o.metadata === undefined ? o : { ...o, metadata: meta };
}

function liveManaged(live: KubeObject | undefined): Managed {
  try {
    return decodeManagedFields(metaOf(live).managedFields);
  } catch {
    return new Map();
  }
}

/** Writes `managed` into the object's metadata (none at all when no manager owns anything). */
function encodeInto(obj: KubeObject, managed: Managed): void {
  capUpdateManagers(managed);
  const entries = encodeManagedFields(managed);
  const meta = { ...metaOf(obj) };
  if (entries.length > 0) meta.managedFields = entries;
  else delete meta.managedFields;
  obj.metadata = meta;
}

/**
 * The value without the null creationTimestamp of embedded ObjectMetas
 * (pod, job and claim templates), and without such a metadata once nothing
 * else is in it: kube's typed objects hold Go's zero Time and ObjectMeta
 * there, which its field manager omits (both are omitempty) and so never
 * records in an Update entry.
 */
function withoutUnsetTimestamps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUnsetTimestamps);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === "metadata" && x !== null && typeof x === "object" && !Array.isArray(x)) {
      const { creationTimestamp, ...rest } = x as Record<string, unknown>;
      if (creationTimestamp !== null) out[k] = withoutUnsetTimestamps(x);
      else if (Object.keys(rest).length > 0) out[k] = withoutUnsetTimestamps(rest);
    } else out[k] = withoutUnsetTimestamps(x);
  }
  return out;
}

/** What changed between two objects, without the fields the endpoint resets. */
function changes(scope: FieldManagerScope, from: KubeObject, to: KubeObject) {
  const c = compare(withoutUnsetTimestamps(from), withoutUnsetTimestamps(to), scope.type);
  return {
    added: c.added.recursiveDifference(scope.ignored),
    modified: c.modified.recursiveDifference(scope.ignored),
    removed: c.removed.recursiveDifference(scope.ignored),
  };
}

/**
 * Records an update by `manager` (kube's managedFieldsUpdater over the
 * structured-merge updater): every manager loses the fields this write
 * changed or removed, and the manager's Update entry gains the fields it
 * changed, with the time. The request's own managedFields replace the live
 * ones on the main resource (an empty list, or one empty entry, resets
 * them); a subresource write never takes them from the request.
 */
export function recordUpdate(
  scope: FieldManagerScope,
  live: KubeObject | undefined,
  next: KubeObject,
  manager: string,
): void {
  const requested = metaOf(next).managedFields;
  let managed: Managed;
  if (scope.subresource !== undefined) managed = liveManaged(live);
  else if (isResetManagedFields(requested)) managed = new Map();
  else {
    try {
      managed = decodeManagedFields(requested);
    } catch {
      managed = new Map();
    }
    if (managed.size === 0) managed = liveManaged(live);
  }
  const c = changes(scope, withoutManaged(live), withoutManaged(next));
  updateManagers(scope, managed, c, manager);
  encodeInto(next, managed);
}

function updateManagers(
  scope: FieldManagerScope,
  managed: Managed,
  c: { added: FieldSet; modified: FieldSet; removed: FieldSet },
  manager: string,
): void {
  const changed = c.added.union(c.modified);
  for (const [id, m] of managed) {
    const set = m.set.difference(changed).difference(c.removed);
    if (set.empty()) managed.delete(id);
    else managed.set(id, { ...m, set });
  }
  const own = changed.recursiveDifference(scope.ignored).difference(STRIPPED);
  if (own.empty()) return;
  const entry: Manager = { manager, operation: "Update", apiVersion: scope.apiVersion, set: own, time: nowTime() };
  if (scope.subresource) entry.subresource = scope.subresource;
  const id = managerId(entry);
  const previous = managed.get(id);
  managed.set(id, { ...entry, set: previous ? own.union(previous.set) : own });
}

/** "apps/v1, Kind=Deployment", as Go prints a GroupVersionKind. */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === "string" ? apiVersion : "";
  const [group, version] = av.includes("/") ? av.split("/", 2) : ["", av];
  return `${group}/${version}, Kind=${typeof kind === "string" ? kind : ""}`;
}

/** The fields of the client-side apply annotation that still match the live object: conflicts on them are allowed. */
function allowedFromLastApplied(scope: FieldManagerScope, live: KubeObject): FieldSet | undefined {
  const text = metaOf(live).annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  let last: KubeObject;
  try {
    last = JSON.parse(text) as KubeObject;
    if (last?.apiVersion !== scope.apiVersion) return undefined;
    const set = toFieldSet(last, scope.type);
    const c = compare(last, live, scope.type);
    return set.difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}

/** The client-side apply annotation kubectl --server-side keeps in sync: the configuration without it, as JSON. */
function lastAppliedOf(config: KubeObject): string {
  const copy = structuredClone(config);
  const meta = copy.metadata as ObjectMeta | undefined;
  if (meta?.annotations) delete meta.annotations[LAST_APPLIED];
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sorted(copy))}\n`;
}

export interface ApplyResult {
  object: KubeObject;
  /** Whether the object (beyond its managedFields) changed. */
  changed: boolean;
}

/**
 * Server-side apply of `config` by `manager` to `live` (undefined: the
 * object does not exist yet). Throws kube's 400s for a configuration of the
 * wrong kind or with managedFields, and 409 with the conflicts unless
 * `force`.
 */
export function applyConfiguration(
  scope: FieldManagerScope,
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force: boolean,
): ApplyResult {
  if (config.apiVersion !== scope.apiVersion || config.kind !== scope.kind) {
    throw badRequest(`invalid object type: ${gvkString(config.apiVersion, config.kind)}`);
  }
  const configMeta = config.metadata as ObjectMeta | undefined;
  if (configMeta?.managedFields !== undefined && configMeta.managedFields !== null) {
    throw badRequest("metadata.managedFields must be nil");
  }
  const liveObj = withoutManaged(live);
  const managed = liveManaged(live);
  // An object nobody is recorded for yet is owned, as it is, by "before-first-apply".
  if (live && managed.size === 0) {
    updateManagers(scope, managed, changes(scope, {}, liveObj), "before-first-apply");
  }
  let result = applyOnce(scope, liveObj, config, managed, manager, force);
  if (Array.isArray(result) && manager === "kubectl" && live) {
    // kubectl's upgrade from client-side apply: fields the last-applied annotation still matches may be taken.
    const allowed = allowedFromLastApplied(scope, liveObj);
    if (allowed) {
      const remaining = conflictsDifference(result, allowed);
      result = remaining.length > 0 ? remaining : applyOnce(scope, liveObj, config, managed, manager, true);
    }
  }
  if (Array.isArray(result)) throw applyConflictError(result);
  if (manager === "kubectl" && live && metaOf(liveObj).annotations?.[LAST_APPLIED] !== undefined) {
    const meta = { ...metaOf(result.object) };
    meta.annotations = { ...(meta.annotations ?? {}), [LAST_APPLIED]: lastAppliedOf(config) };
    result.object.metadata = meta;
  }
  return result;
}

/** One pass of structured-merge-diff's Updater.Apply: the result, or the conflicts. */
function applyOnce(
  scope: FieldManagerScope,
  live: KubeObject,
  config: KubeObject,
  before: Managed,
  manager: string,
  force: boolean,
): ApplyResult | Conflict[] {
  const managed: Managed = new Map(before);
  const type = scope.type;
  let merged = merge(live, config, type) as KubeObject;
  const self: Manager = { manager, operation: "Apply", apiVersion: scope.apiVersion, set: new FieldSet() };
  if (scope.subresource) self.subresource = scope.subresource;
  const id = managerId(self);
  const last = managed.get(id);
  const configSet = toFieldSet(config, type).recursiveDifference(scope.ignored);
  managed.set(id, { ...self, time: last?.time, set: configSet });

  // Fields this manager applied before and no longer applies, that no manager owns, go.
  if (last && !last.set.empty()) {
    let owned = new FieldSet();
    for (const m of managed.values()) owned = owned.union(m.set);
    const drop = withNamedFieldsAsMembers(last.set, type).difference(withNamedFieldsAsMembers(owned, type));
    merged = removeItems(merged, drop, type) as KubeObject;
  }

  const c = changes(scope, live, merged);
  const changedSet = c.added.union(c.modified);
  const conflicts = new Map<string, { manager: Manager; set: FieldSet }>();
  for (const [mid, m] of managed) {
    if (mid === id) continue;
    const clash = m.set.intersection(changedSet);
    if (!clash.empty()) conflicts.set(mid, { manager: m, set: clash });
  }
  if (conflicts.size > 0 && !force) return conflictsOf(conflicts);
  for (const [mid, m] of managed) {
    if (mid === id) continue;
    const set = m.set.difference(changedSet).difference(c.removed);
    if (set.empty()) managed.delete(mid);
    else managed.set(mid, { ...m, set });
  }
  const changed = !isDeepStrictEqual(live, merged);
  const mine = managed.get(id)!;
  const set = mine.set.difference(STRIPPED);
  if (set.empty()) managed.delete(id);
  else managed.set(id, { ...mine, set, time: changed ? nowTime() : mine.time });
  const object = structuredClone(merged);
  encodeInto(object, managed);
  return { object, changed };
}

/** The path of a field, for tests and callers that name fields. */
export const fieldPath = (...names: string[]): Path => names.map(field);

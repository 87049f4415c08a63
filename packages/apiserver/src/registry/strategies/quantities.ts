// kube decodes every resource.Quantity field and encodes it again in its
// canonical text, so what is stored and served is never what was sent when
// that differs: "0.5" becomes "500m", "1000m" "1", "1536Mi" stays, 2 (a JSON
// number) "2". Done while defaulting, on the fields of the built-in kinds that
// are quantities; a value that does not parse is left for validation to refuse.

import { type FieldError, type FieldPath, invalidField, parseQuantity, type Quantity } from "@wharf/apimachinery";
import { isObj, type Obj, objs, str, sub } from "./util.js";

/** The canonical text of one quantity value, or the value itself when it is not one. */
function canonical(v: unknown): unknown {
  if (typeof v !== "string" && typeof v !== "number") return v;
  try {
    return parseQuantity(String(v)).toString();
  } catch {
    return v;
  }
}

/**
 * What a quantity field held before it was canonicalized, per object holding it, for the few 422 messages that
 * print a quantity as Go's %#v of the value kube parsed from the text sent (LimitRange, ResourceQuota, HPA).
 */
const sentValues = new WeakMap<Obj, Record<string, unknown>>();

/** The value `o[key]` was sent as. */
export function sentQuantity(o: Obj, key: string): unknown {
  const sent = sentValues.get(o);
  return sent && Object.hasOwn(sent, key) ? sent[key] : o[key];
}

/**
 * The keys of each object that hold quantities, as defaulting found them: kube compares a spec by value where it
 * holds a quantity (Semantic.DeepEqual), so `1Gi` sent for a stored `1073741824` changes nothing.
 */
const quantityKeys = new WeakMap<Obj, Set<string>>();

/** Canonicalizes `o[key]` when set. */
export function canonicalQuantity(o: Obj | undefined, key: string): void {
  if (!o || o[key] === undefined || o[key] === null) return;
  const keys = quantityKeys.get(o) ?? new Set<string>();
  keys.add(key);
  quantityKeys.set(o, keys);
  const v = canonical(o[key]);
  if (v === o[key]) return;
  const sent = sentValues.get(o) ?? {};
  sent[key] = o[key];
  sentValues.set(o, sent);
  o[key] = v;
}

/** Canonicalizes every value of the ResourceList at `o[key]`. */
export function canonicalResourceList(o: Obj | undefined, key: string): void {
  const list = sub(o, key);
  if (list) for (const k of Object.keys(list)) canonicalQuantity(list, k);
}

/** A ResourceRequirements' limits and requests. */
export function canonicalResources(resources: unknown): void {
  if (!isObj(resources)) return;
  canonicalResourceList(resources, "limits");
  canonicalResourceList(resources, "requests");
}

/** A downward API resourceFieldRef's divisor. */
function canonicalDivisor(ref: unknown): void {
  if (isObj(ref)) canonicalQuantity(ref, "divisor");
}

/** Every quantity of a PersistentVolumeClaimSpec. */
export function canonicalClaimSpec(spec: unknown): void {
  if (isObj(spec)) canonicalResources(spec.resources);
}

/** Every quantity of a PodSpec: containers' resources and divisors, overhead, volumes. */
export function canonicalPodSpecQuantities(spec: Obj): void {
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers), ...objs(spec.ephemeralContainers)]) {
    canonicalResources(c.resources);
    for (const e of objs(c.env)) canonicalDivisor(sub(sub(e, "valueFrom"), "resourceFieldRef"));
  }
  canonicalResourceList(spec, "overhead");
  for (const v of objs(spec.volumes)) {
    canonicalQuantity(sub(v, "emptyDir"), "sizeLimit");
    for (const item of objs(sub(v, "downwardAPI")?.items)) canonicalDivisor(item.resourceFieldRef);
    for (const source of objs(sub(v, "projected")?.sources)) {
      for (const item of objs(sub(source, "downwardAPI")?.items)) canonicalDivisor(item.resourceFieldRef);
    }
    canonicalClaimSpec(sub(sub(sub(v, "ephemeral"), "volumeClaimTemplate"), "spec"));
  }
}

/** Parses a quantity field; a bad one becomes a field error (kube's decoder refuses it before validation). */
export function quantityOf(v: unknown, path: FieldPath, errs: FieldError[]): Quantity | undefined {
  try {
    return parseQuantity(typeof v === "number" ? String(v) : str(v));
  } catch (e) {
    errs.push(invalidField(path, v, (e as Error).message));
    return undefined;
  }
}

/** Two values of a quantity field are equal when both parse to the same value, or when both are the same text. */
function sameQuantity(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const text = (v: unknown) => typeof v === "string" || typeof v === "number";
  if (!text(a) || !text(b)) return false;
  try {
    return parseQuantity(String(a)).cmp(parseQuantity(String(b))) === 0;
  } catch {
    return false;
  }
}

/**
 * Deep equality of two decoded objects as kube's Semantic.DeepEqual sees them: the quantity fields of `a` (those
 * defaulting canonicalized) compare by value, everything else strictly.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (!isObj(a) || !isObj(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const quantities = quantityKeys.get(a);
  for (const k of keys) {
    if (!Object.hasOwn(b, k)) return false;
    if (quantities?.has(k) ? !sameQuantity(a[k], b[k]) : !semanticEqual(a[k], b[k])) return false;
  }
  return true;
}

// LimitRange and ResourceQuota as kube-apiserver 1.28 handles them:
// SetDefaults_LimitRangeItem, ValidateLimitRange, ValidateResourceQuota,
// ValidateResourceQuotaUpdate and ValidateResourceQuotaStatusUpdate, with
// the resource-name rules of pkg/apis/core/helper. Go walks resource maps in
// random order; keys are taken sorted here so answers are stable.

import {
  duplicateField,
  FIELD_IMMUTABLE_ERROR_MSG,
  type FieldError,
  FieldPath,
  forbiddenField,
  GoValue,
  goQuote,
  goStringSlice,
  IS_NEGATIVE_ERROR_MSG,
  invalidField,
  invalidGoField,
  isQualifiedName,
  parseQuantity,
  type Quantity,
  requiredField,
} from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../strategy.js";
import { goQuantity, INT64_MAX } from "./go-quantity.js";
import { canonicalResourceList, sentQuantity } from "./quantities.js";
import {
  isExtendedResourceName,
  isHugePages,
  isIntegerResourceName,
  isNativeResource,
  isOvercommitAllowed,
  isStandardQuotaResourceName,
  isStandardResourceName,
  standardContainerResources,
} from "./resource-names.js";
import { arr, isObj, type Obj, objs, sortedKeys, str, sub } from "./util.js";

// ---------------------------------------------------------------- resource names (pkg/apis/core/helper)

const limitTypes = new Set(["Pod", "Container", "PersistentVolumeClaim"]);

/** validateResourceName. */
function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalidField(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes("/") && !isStandardResourceName(name)) {
    errs.push(invalidField(path, name, "must be a standard resource type or fully qualified"));
  }
  return errs;
}

/** validateContainerResourceName: the generic checks' errors are kept, and these come after them. */
function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/")) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) {
      errs.push(invalidField(path, name, "must be a standard resource for containers"));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalidField(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateResourceQuotaResourceName. */
function validateQuotaResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/") && !isStandardQuotaResourceName(name)) {
    errs.push(invalidField(path, name, "must be a standard resource for quota"));
  }
  return errs;
}

// ---------------------------------------------------------------- quantities

/** A quantity field's value with the text it was sent as (JSON numbers too). */
interface Parsed {
  raw: string;
  q: Quantity;
}

function rawQuantity(v: unknown): string {
  return typeof v === "number" ? String(v) : str(v);
}

/** Parses a quantity; a bad one becomes a field error (kube already refuses it while decoding). */
function parseField(v: unknown, path: FieldPath, errs: FieldError[]): Parsed | undefined {
  const raw = rawQuantity(v);
  try {
    return { raw, q: parseQuantity(raw) };
  } catch (e) {
    errs.push(invalidField(path, v, (e as Error).message));
    return undefined;
  }
}

/** Quantity.Value / MilliValue: the value in units of 10^-digits, rounded up. */
function scaledValue(q: Quantity, digits: number): bigint {
  const n = q.num * 10n ** BigInt(digits);
  const d = q.den;
  const t = n / d;
  return n % d !== 0n && n > 0n ? t + 1n : t;
}

const MAX_MILLI_VALUE = INT64_MAX / 1000n;

/** ValidateResourceQuantityValue. */
function validateQuantityValue(name: string, p: Parsed, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.q.sign() < 0) errs.push(invalidField(path, p.q.toString(), IS_NEGATIVE_ERROR_MSG));
  if (isIntegerResourceName(name) && scaledValue(p.q, 3) % 1000n !== 0n) {
    errs.push(invalidGoField(path, goQuantity(p.raw, false), "must be an integer"));
  }
  return errs;
}

// ---------------------------------------------------------------- LimitRange

function resourceMap(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** SetDefaults_LimitRangeItem: a Container item's default limit falls back to max, its default request to that or min. */
function defaultLimitRange(obj: KubeObject): void {
  for (const item of objs(sub(obj, "spec")?.limits)) {
    for (const key of ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"])
      canonicalResourceList(item, key);
    if (item.type !== "Container") continue;
    const defaults: Obj = { ...resourceMap(item.default) };
    const requests: Obj = { ...resourceMap(item.defaultRequest) };
    for (const [k, v] of Object.entries(resourceMap(item.max))) if (!Object.hasOwn(defaults, k)) defaults[k] = v;
    for (const [k, v] of Object.entries(defaults)) if (!Object.hasOwn(requests, k)) requests[k] = v;
    for (const [k, v] of Object.entries(resourceMap(item.min))) if (!Object.hasOwn(requests, k)) requests[k] = v;
    // Empty maps are left out when kube serializes the item.
    if (Object.keys(defaults).length > 0) item.default = defaults;
    else delete item.default;
    if (Object.keys(requests).length > 0) item.defaultRequest = requests;
    else delete item.defaultRequest;
  }
}

function validateLimitRangeTypeName(type: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(type).map((m) => invalidField(path, type, m));
  if (errs.length > 0) return errs;
  if (!type.includes("/") && !limitTypes.has(type)) {
    errs.push(invalidField(path, type, "must be a standard limit type or fully qualified"));
  }
  return errs;
}

/** Max/min ratio for the message, as Go's %f prints a float64. */
function goFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return v.toFixed(6);
}

/** ValidateLimitRange (metadata is the store's). */
function validateLimitRange(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  const limitsPath = FieldPath.of("spec", "limits");
  objs(sub(obj, "spec")?.limits).forEach((item, i) => {
    const idx = limitsPath.index(i);
    const type = str(item.type);
    errs.push(...validateLimitRangeTypeName(type, idx.child("type")));
    if (seenTypes.has(type)) errs.push(duplicateField(idx.child("type"), type));
    seenTypes.add(type);
    const nameCheck = type === "Pod" || type === "Container" ? validateContainerResourceName : validateResourceName;
    const keys = new Set<string>();
    const collect = (field: string): Map<string, Parsed> => {
      const out = new Map<string, Parsed>();
      const m = resourceMap(item[field]);
      for (const k of sortedKeys(m)) {
        const p = idx.child(field).key(k);
        errs.push(...nameCheck(k, p));
        keys.add(k);
        const parsed = parseField(sentQuantity(m, k), p, errs);
        if (parsed) out.set(k, parsed);
      }
      return out;
    };
    const max = collect("max");
    const min = collect("min");
    let defaults = new Map<string, Parsed>();
    let defaultRequests = new Map<string, Parsed>();
    if (type === "Pod") {
      const forbidden = "may not be specified when `type` is 'Pod'";
      if (Object.keys(resourceMap(item.default)).length > 0) errs.push(forbiddenField(idx.child("default"), forbidden));
      if (Object.keys(resourceMap(item.defaultRequest)).length > 0) {
        errs.push(forbiddenField(idx.child("defaultRequest"), forbidden));
      }
    } else {
      defaults = collect("default");
      defaultRequests = collect("defaultRequest");
    }
    if (type === "PersistentVolumeClaim") {
      if (!Object.hasOwn(resourceMap(item.min), "storage") && !Object.hasOwn(resourceMap(item.max), "storage")) {
        errs.push(
          requiredField(
            idx.child("limits"),
            "either minimum or maximum storage value is required, but neither was provided",
          ),
        );
      }
    }
    const ratios = collect("maxLimitRequestRatio");
    for (const k of [...keys].sort()) {
      const lo = min.get(k);
      const hi = max.get(k);
      const def = defaults.get(k);
      const req = defaultRequests.get(k);
      const ratio = ratios.get(k);
      // ValidateLimitRange's ordering checks, in kube's order: the field reported, the value shown, the message.
      const notAbove = (
        low: Parsed | undefined,
        high: Parsed | undefined,
        field: string,
        shown: Parsed | undefined,
        message: (low: Quantity, high: Quantity) => string,
      ) => {
        if (low && high && shown && low.q.cmp(high.q) > 0) {
          errs.push(invalidGoField(idx.child(field).key(k), goQuantity(shown.raw, true), message(low.q, high.q)));
        }
      };
      notAbove(lo, hi, "min", lo, (a, b) => `min value ${a} is greater than max value ${b}`);
      notAbove(lo, req, "defaultRequest", req, (a, b) => `min value ${a} is greater than default request value ${b}`);
      notAbove(req, hi, "defaultRequest", req, (a, b) => `default request value ${a} is greater than max value ${b}`);
      notAbove(
        req,
        def,
        "defaultRequest",
        req,
        (a, b) => `default request value ${a} is greater than default limit value ${b}`,
      );
      notAbove(lo, def, "default", lo, (a, b) => `min value ${a} is greater than default value ${b}`);
      // kube reports this one with the max as the value.
      notAbove(def, hi, "default", hi, (a, b) => `default value ${a} is greater than max value ${b}`);
      if (ratio && ratio.q.cmp(parseQuantity("1")) < 0) {
        errs.push(
          invalidGoField(
            idx.child("maxLimitRequestRatio").key(k),
            goQuantity(ratio.raw, true),
            `ratio ${ratio.q} is less than 1`,
          ),
        );
      }
      if (ratio && lo && hi) {
        // Milli-units when all three fit, as kube compares them.
        let ratioValue = Number(scaledValue(ratio.q, 0));
        let loValue = scaledValue(lo.q, 0);
        let hiValue = scaledValue(hi.q, 0);
        if (scaledValue(ratio.q, 0) < MAX_MILLI_VALUE && loValue < MAX_MILLI_VALUE && hiValue < MAX_MILLI_VALUE) {
          ratioValue = Number(scaledValue(ratio.q, 3)) / 1000;
          loValue = scaledValue(lo.q, 3);
          hiValue = scaledValue(hi.q, 3);
        }
        const limit = Number(hiValue) / Number(loValue);
        if (ratioValue > limit) {
          errs.push(
            invalidGoField(
              idx.child("maxLimitRequestRatio").key(k),
              goQuantity(ratio.raw, true),
              `ratio ${ratio.q} is greater than max/min = ${goFloat(limit)}`,
            ),
          );
        }
      }
      if (!isOvercommitAllowed(k) && def && req && def.q.cmp(req.q) !== 0) {
        errs.push(
          invalidGoField(
            idx.child("defaultRequest").key(k),
            goQuantity(req.raw, true),
            `default value ${def.q} must equal to defaultRequest value ${req.q} in ${k}`,
          ),
        );
      }
    }
  });
  return errs;
}

export const limitRangeStrategy: KindStrategy = {
  default: defaultLimitRange,
  validate: validateLimitRange,
};

// ---------------------------------------------------------------- ResourceQuota

const quotaScopes = new Set(["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass"]);
const CROSS_NAMESPACE_POD_AFFINITY = "CrossNamespacePodAffinity";
const podCountResources = new Set(["pods"]);
const podComputeResources = new Set([
  "cpu",
  "memory",
  "limits.cpu",
  "limits.memory",
  "requests.cpu",
  "requests.memory",
]);

function isStandardScope(scope: string): boolean {
  return quotaScopes.has(scope) || scope === CROSS_NAMESPACE_POD_AFFINITY;
}

/** IsResourceQuotaScopeValidForResource. */
function scopeAppliesTo(scope: string, resource: string): boolean {
  switch (scope) {
    case "Terminating":
    case "NotTerminating":
    case "NotBestEffort":
    case "PriorityClass":
    case CROSS_NAMESPACE_POD_AFFINITY:
      return podCountResources.has(resource) || podComputeResources.has(resource);
    case "BestEffort":
      return podCountResources.has(resource);
    default:
      return true;
  }
}

const conflictingScopes: [string, string][] = [
  ["BestEffort", "NotBestEffort"],
  ["Terminating", "NotTerminating"],
];

/** %#v of a []core.ResourceQuotaScope: nil when the field is absent. */
function goScopes(v: unknown): GoValue {
  if (!Array.isArray(v)) return new GoValue("[]core.ResourceQuotaScope(nil)");
  return new GoValue(`[]core.ResourceQuotaScope{${v.map((s) => goQuote(str(s))).join(", ")}}`);
}

/** %#v of a core.ScopeSelector (kube prints the pointer's target). */
function goScopeSelector(sel: Obj): GoValue {
  const exprs = sel.matchExpressions;
  let text: string;
  if (!Array.isArray(exprs)) text = "[]core.ScopedResourceSelectorRequirement(nil)";
  else {
    const items = objs(exprs).map(
      (e) =>
        `core.ScopedResourceSelectorRequirement{ScopeName:${goQuote(str(e.scopeName))}, Operator:${goQuote(str(e.operator))}, Values:${goStringSlice(Array.isArray(e.values) ? e.values.map(str) : null).text}}`,
    );
    text = `[]core.ScopedResourceSelectorRequirement{${items.join(", ")}}`;
  }
  return new GoValue(`core.ScopeSelector{MatchExpressions:${text}}`);
}

/** The hard or used list of a quota: names, then values, key by key. */
function validateQuotaList(list: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const m = resourceMap(list);
  for (const k of sortedKeys(m)) {
    const p = path.key(k);
    errs.push(...validateQuotaResourceName(k, p));
    const parsed = parseField(sentQuantity(m, k), p, errs);
    if (parsed) errs.push(...validateQuantityValue(k, parsed, p));
  }
  return errs;
}

/** validateResourceQuotaScopes. */
function validateScopes(spec: Obj, hard: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const scopes = arr(spec.scopes).map(str);
  if (scopes.length === 0) return errs;
  const scopesPath = path.child("scopes");
  const shown = goScopes(spec.scopes);
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (!isStandardScope(scope)) errs.push(invalidGoField(scopesPath, shown, "unsupported scope"));
    for (const k of hard) {
      if (isStandardQuotaResourceName(k) && !scopeAppliesTo(scope, k)) {
        errs.push(invalidGoField(scopesPath, shown, "unsupported scope applied to resource"));
      }
    }
    seen.add(scope);
  }
  for (const [a, b] of conflictingScopes) {
    if (seen.has(a) && seen.has(b)) errs.push(invalidGoField(scopesPath, shown, "conflicting scopes"));
  }
  return errs;
}

const existsOnlyScopes = new Set([
  "BestEffort",
  "NotBestEffort",
  "Terminating",
  "NotTerminating",
  CROSS_NAMESPACE_POD_AFFINITY,
]);

/** validateScopedResourceSelectorRequirement; kube's paths carry no index. */
function validateScopeSelector(spec: Obj, hard: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const selector = sub(spec, "scopeSelector");
  if (!selector) return errs;
  const exprPath = path.child("scopeSelector", "matchExpressions");
  const seen = new Set<string>();
  for (const req of objs(selector.matchExpressions)) {
    const scope = str(req.scopeName);
    const op = str(req.operator);
    const values = arr(req.values);
    if (!isStandardScope(scope)) errs.push(invalidField(exprPath.child("scopeName"), scope, "unsupported scope"));
    for (const k of hard) {
      if (isStandardQuotaResourceName(k) && !scopeAppliesTo(scope, k)) {
        errs.push(invalidGoField(exprPath, goScopeSelector(selector), "unsupported scope applied to resource"));
      }
    }
    if (existsOnlyScopes.has(scope) && op !== "Exists") {
      errs.push(
        invalidField(
          exprPath.child("operator"),
          op,
          "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
        ),
      );
    }
    switch (op) {
      case "In":
      case "NotIn":
        if (values.length === 0) {
          errs.push(
            requiredField(
              exprPath.child("values"),
              "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
            ),
          );
        }
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length !== 0) {
          errs.push(
            invalidGoField(
              exprPath.child("values"),
              goStringSlice(values.map(str)),
              "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
            ),
          );
        }
        break;
      default:
        errs.push(invalidField(exprPath.child("operator"), op, "not a valid selector operator"));
    }
    seen.add(scope);
  }
  for (const [a, b] of conflictingScopes) {
    if (seen.has(a) && seen.has(b)) errs.push(invalidGoField(exprPath, goScopes(spec.scopes), "conflicting scopes"));
  }
  return errs;
}

/** ValidateResourceQuotaSpec. */
function validateQuotaSpec(obj: KubeObject): FieldError[] {
  const spec = sub(obj, "spec") ?? {};
  const path = FieldPath.of("spec");
  const hard = sortedKeys(resourceMap(spec.hard));
  const errs = validateQuotaList(spec.hard, path.child("hard"));
  errs.push(...validateScopes(spec, hard, path));
  errs.push(...validateScopeSelector(spec, hard, path));
  return errs;
}

/** ValidateResourceQuotaStatus. */
function validateQuotaStatus(obj: KubeObject): FieldError[] {
  const status = sub(obj, "status") ?? {};
  const path = FieldPath.of("status");
  return [...validateQuotaList(status.hard, path.child("hard")), ...validateQuotaList(status.used, path.child("used"))];
}

/** ValidateResourceQuotaUpdate's own rule (the spec is checked by validate): scopes never change. */
function validateQuotaUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = sub(obj, "spec") ?? {};
  const prev = sub(old, "spec") ?? {};
  const a = new Set(arr(next.scopes).map(str));
  const b = new Set(arr(prev.scopes).map(str));
  if (a.size === b.size && [...a].every((s) => b.has(s))) return [];
  return [invalidGoField(FieldPath.of("spec", "scopes"), goScopes(next.scopes), FIELD_IMMUTABLE_ERROR_MSG)];
}

/**
 * ValidateResourceQuotaStatusUpdate, for the status subresource (after its
 * PrepareForUpdate kept the stored spec): a resourceVersion, and valid
 * status lists.
 */
export function validateResourceQuotaStatusUpdate(obj: KubeObject, _old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (str(obj.metadata?.resourceVersion) === "") errs.push(requiredField("resourceVersion"));
  errs.push(...validateQuotaStatus(obj));
  return errs;
}

export const resourceQuotaStrategy: KindStrategy = {
  default(obj) {
    canonicalResourceList(sub(obj, "spec"), "hard");
    canonicalResourceList(sub(obj, "status"), "hard");
    canonicalResourceList(sub(obj, "status"), "used");
  },
  // A new quota has no usage yet: the quota controller fills status.
  prepareForCreate(obj) {
    obj.status = {};
  },
  // ValidateResourceQuota checks spec and status; ValidateResourceQuotaUpdate the spec alone (status is the stored one).
  validate: (obj, old) => (old ? validateQuotaSpec(obj) : [...validateQuotaSpec(obj), ...validateQuotaStatus(obj)]),
  validateUpdate: validateQuotaUpdate,
  validateStatusUpdate: validateResourceQuotaStatusUpdate,
};

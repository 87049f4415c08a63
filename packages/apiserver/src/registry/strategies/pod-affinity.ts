// Scheduling constraints of a PodSpec (pkg/apis/core/validation: validateAffinity
// with node affinity, pod affinity and anti-affinity, and
// validateTopologySpreadConstraints), after Kubernetes 1.28: paths, cause types
// and texts as kube-apiserver words them. What later releases added is left out
// on purpose: label-value checks of node selector requirements (1.32) and
// matchLabelKeys/mismatchLabelKeys of pod affinity terms (1.29).

import {
  duplicateField,
  type FieldError,
  type FieldPath,
  fieldPath,
  forbiddenField,
  invalidField,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  type LabelSelectorSpec,
  notSupportedField,
  requiredField,
  selectorOperatorErrors,
  validateLabelSelector,
} from "@wharf/apimachinery";
import { arr, isObj, num, type Obj, objs, str, strMap, sub } from "./util.js";

/** The parts of kube's PodValidationOptions these checks read. */
export interface AffinityValidationOptions {
  /** Skip label-value syntax in pod (anti-)affinity selectors: set on update when the old spec already had bad ones. */
  allowInvalidLabelValueInSelector?: boolean;
}

export interface TopologySpreadValidationOptions {
  /** Skip labelSelector validation: set on update when the old spec already had a bad selector. */
  allowInvalidTopologySpreadConstraintLabelSelector?: boolean;
}

/** metav1.ValidateLabelName: a qualified name, each message an Invalid on `path`. */
function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => invalidField(path, name, m));
}

/**
 * A decoded selector in the shape validateLabelSelector reads, or undefined for
 * a missing one (a nil pointer in Go). Null list items decode to zero structs.
 */
function selectorOf(v: unknown): LabelSelectorSpec | undefined {
  if (!isObj(v)) return undefined;
  return {
    matchLabels: strMap(v.matchLabels) ?? null,
    matchExpressions: objs(v.matchExpressions).map((e) => ({
      key: str(e.key),
      operator: str(e.operator),
      values: arr(e.values).map((x) => str(x)),
    })),
  };
}

/** Where the has-invalid probes put their (discarded) errors. */
const path0 = fieldPath("spec");

// ---------------------------------------------------------------- node affinity

/** ValidateNodeSelectorRequirement (1.28: operator, value count and key; values are not checked). */
function validateNodeSelectorRequirement(req: Obj, path: FieldPath): FieldError[] {
  return [
    ...selectorOperatorErrors(str(req.operator), arr(req.values).length, path, true),
    ...validateLabelName(str(req.key), path.child("key")),
  ];
}

/** ValidateNodeFieldSelectorRequirement: only metadata.name, only In/NotIn with one value. */
function validateNodeFieldSelectorRequirement(req: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const operator = str(req.operator);
  const values = arr(req.values).map((x) => str(x));
  if (operator === "In" || operator === "NotIn") {
    if (values.length !== 1) {
      errs.push(
        requiredField(
          path.child("values"),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
    }
  } else {
    errs.push(invalidField(path.child("operator"), operator, "not a valid selector operator"));
  }
  const key = str(req.key);
  if (key !== "metadata.name") {
    errs.push(invalidField(path.child("key"), key, "not a valid field selector key"));
  } else {
    // Node names are DNS subdomains (ValidateNodeName).
    values.forEach((v, i) => {
      for (const m of isDNS1123Subdomain(v)) errs.push(invalidField(path.child("values").index(i), v, m));
    });
  }
  return errs;
}

/** ValidateNodeSelectorTerm: matchExpressions, then matchFields. */
function validateNodeSelectorTerm(term: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const t = isObj(term) ? term : {};
  objs(t.matchExpressions).forEach((req, j) => {
    errs.push(...validateNodeSelectorRequirement(req, path.child("matchExpressions").index(j)));
  });
  objs(t.matchFields).forEach((req, j) => {
    errs.push(...validateNodeFieldSelectorRequirement(req, path.child("matchFields").index(j)));
  });
  return errs;
}

/** ValidateNodeSelector: at least one term, each term checked. */
function validateNodeSelector(selector: Obj, path: FieldPath): FieldError[] {
  const termsPath = path.child("nodeSelectorTerms");
  const terms = arr(selector.nodeSelectorTerms);
  if (terms.length === 0) return [requiredField(termsPath, "must have at least one node selector term")];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, termsPath.index(i)));
}

/** ValidatePreferredSchedulingTerms: weight 1-100, then the preference term. */
function validatePreferredSchedulingTerms(terms: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  terms.forEach((term, i) => {
    const weight = num(term.weight) ?? 0;
    if (weight <= 0 || weight > 100) {
      errs.push(invalidField(path.index(i).child("weight"), weight, "must be in the range 1-100"));
    }
    errs.push(...validateNodeSelectorTerm(term.preference, path.index(i).child("preference")));
  });
  return errs;
}

/** validateNodeAffinity (requiredDuringSchedulingRequiredDuringExecution is not implemented by kube either). */
function validateNodeAffinity(na: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const required = sub(na, "requiredDuringSchedulingIgnoredDuringExecution");
  if (required) {
    errs.push(...validateNodeSelector(required, path.child("requiredDuringSchedulingIgnoredDuringExecution")));
  }
  const preferred = objs(na.preferredDuringSchedulingIgnoredDuringExecution);
  if (preferred.length > 0) {
    errs.push(
      ...validatePreferredSchedulingTerms(preferred, path.child("preferredDuringSchedulingIgnoredDuringExecution")),
    );
  }
  return errs;
}

// ---------------------------------------------------------------- pod (anti-)affinity

/** ValidatePodAffinityTermSelector: labelSelector and namespaceSelector as metav1 selectors. */
export function validatePodAffinityTermSelector(
  term: Obj,
  allowInvalidLabelValueInSelector: boolean,
  path: FieldPath,
): FieldError[] {
  const options = { allowInvalidLabelValueInSelector };
  return [
    ...validateLabelSelector(selectorOf(term.labelSelector), path.child("labelSelector"), options),
    ...validateLabelSelector(selectorOf(term.namespaceSelector), path.child("namespaceSelector"), options),
  ];
}

/** validatePodAffinityTerm, as 1.28 had it (no matchLabelKeys/mismatchLabelKeys yet). */
function validatePodAffinityTerm(term: Obj, allowInvalid: boolean, path: FieldPath): FieldError[] {
  const errs = validatePodAffinityTermSelector(term, allowInvalid, path);
  for (const ns of arr(term.namespaces).map((x) => str(x))) {
    // Kube reports these on "namespace", singular: the path is part of its answer.
    for (const m of isDNS1123Label(ns)) errs.push(invalidField(path.child("namespace"), ns, m));
  }
  const topologyKey = str(term.topologyKey);
  if (topologyKey === "") errs.push(requiredField(path.child("topologyKey"), "can not be empty"));
  errs.push(...validateLabelName(topologyKey, path.child("topologyKey")));
  return errs;
}

/** validatePodAffinityTerms. */
function validatePodAffinityTerms(terms: unknown, allowInvalid: boolean, path: FieldPath): FieldError[] {
  return objs(terms).flatMap((t, i) => validatePodAffinityTerm(t, allowInvalid, path.index(i)));
}

/** validateWeightedPodAffinityTerms: weight 1-100, then the podAffinityTerm. */
function validateWeightedPodAffinityTerms(terms: unknown, allowInvalid: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  objs(terms).forEach((t, j) => {
    const weight = num(t.weight) ?? 0;
    if (weight <= 0 || weight > 100) {
      errs.push(invalidField(path.index(j).child("weight"), weight, "must be in the range 1-100"));
    }
    errs.push(
      ...validatePodAffinityTerm(sub(t, "podAffinityTerm") ?? {}, allowInvalid, path.index(j).child("podAffinityTerm")),
    );
  });
  return errs;
}

/** validatePodAffinity and validatePodAntiAffinity: the two have the same shape and checks. */
function validatePodAffinityLike(a: Obj, allowInvalid: boolean, path: FieldPath): FieldError[] {
  return [
    ...validatePodAffinityTerms(
      a.requiredDuringSchedulingIgnoredDuringExecution,
      allowInvalid,
      path.child("requiredDuringSchedulingIgnoredDuringExecution"),
    ),
    ...validateWeightedPodAffinityTerms(
      a.preferredDuringSchedulingIgnoredDuringExecution,
      allowInvalid,
      path.child("preferredDuringSchedulingIgnoredDuringExecution"),
    ),
  ];
}

/** validateAffinity; `path` is `spec.affinity`. */
export function validateAffinity(
  affinity: unknown,
  path: FieldPath,
  options: AffinityValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(affinity)) return errs;
  const allowInvalid = options.allowInvalidLabelValueInSelector ?? false;
  const node = sub(affinity, "nodeAffinity");
  if (node) errs.push(...validateNodeAffinity(node, path.child("nodeAffinity")));
  const pod = sub(affinity, "podAffinity");
  if (pod) errs.push(...validatePodAffinityLike(pod, allowInvalid, path.child("podAffinity")));
  const anti = sub(affinity, "podAntiAffinity");
  if (anti) errs.push(...validatePodAffinityLike(anti, allowInvalid, path.child("podAntiAffinity")));
  return errs;
}

/**
 * Whether a (stored) spec has a pod (anti-)affinity term whose selectors fail
 * strict validation (kube's hasInvalidLabelValueInAffinitySelector): an update
 * of such a spec validates with allowInvalidLabelValueInSelector.
 */
export function hasInvalidLabelValueInAffinitySelector(spec: Obj): boolean {
  const affinity = sub(spec, "affinity");
  for (const kind of ["podAffinity", "podAntiAffinity"]) {
    const a = sub(affinity, kind);
    if (!a) continue;
    const terms = [
      ...objs(a.requiredDuringSchedulingIgnoredDuringExecution),
      ...objs(a.preferredDuringSchedulingIgnoredDuringExecution).map((w) => sub(w, "podAffinityTerm") ?? {}),
    ];
    for (const t of terms) {
      if (validatePodAffinityTermSelector(t, false, path0).length > 0) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- topology spread

const scheduleActions = ["DoNotSchedule", "ScheduleAnyway"];
const nodeInclusionPolicies = ["Honor", "Ignore"];
const isNotPositiveErrorMsg = "must be greater than zero";

/** validateMatchLabelKeys (topology spread): label names, not already keys of the labelSelector. */
function validateMatchLabelKeys(keys: string[], labelSelector: unknown, path: FieldPath): FieldError[] {
  if (keys.length === 0) return [];
  const errs: FieldError[] = [];
  const selectorKeys = new Set<string>();
  if (isObj(labelSelector)) {
    for (const k of Object.keys(strMap(labelSelector.matchLabels) ?? {})) selectorKeys.add(k);
    for (const e of objs(labelSelector.matchExpressions)) selectorKeys.add(str(e.key));
  } else {
    errs.push(forbiddenField(path, "must not be specified when labelSelector is not set"));
  }
  keys.forEach((key, i) => {
    errs.push(...validateLabelName(key, path.index(i)));
    if (selectorKeys.has(key)) {
      errs.push(invalidField(path.index(i), key, "exists in both matchLabelKeys and labelSelector"));
    }
  });
  return errs;
}

/** validateNodeInclusionPolicy: unset, Honor or Ignore. */
function validateNodeInclusionPolicy(policy: unknown, path: FieldPath): FieldError[] {
  if (policy === undefined || policy === null) return [];
  const p = str(policy);
  return nodeInclusionPolicies.includes(p) ? [] : [notSupportedField(path, p, nodeInclusionPolicies)];
}

/** validateTopologySpreadConstraints; `path` is `spec.topologySpreadConstraints`. */
export function validateTopologySpreadConstraints(
  constraints: unknown,
  path: FieldPath,
  options: TopologySpreadValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const list = objs(constraints);
  list.forEach((c, i) => {
    const p = path.index(i);
    const maxSkew = num(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(invalidField(p.child("maxSkew"), maxSkew, isNotPositiveErrorMsg));
    const topologyKey = str(c.topologyKey);
    if (topologyKey === "") errs.push(requiredField(p.child("topologyKey"), "can not be empty"));
    const action = str(c.whenUnsatisfiable);
    if (!scheduleActions.includes(action)) {
      errs.push(notSupportedField(p.child("whenUnsatisfiable"), action, scheduleActions));
    }
    // The pair {topologyKey, whenUnsatisfiable} names one kind of constraint: only the first of a repeat is reported.
    const repeated = list
      .slice(i + 1)
      .some((o) => str(o.topologyKey) === topologyKey && str(o.whenUnsatisfiable) === action);
    if (repeated) {
      errs.push(duplicateField(p.child("{topologyKey, whenUnsatisfiable}"), `{${topologyKey}, ${action}}`));
    }
    if (c.minDomains !== undefined && c.minDomains !== null) {
      const minDomains = num(c.minDomains) ?? 0;
      if (minDomains <= 0) errs.push(invalidField(p.child("minDomains"), minDomains, isNotPositiveErrorMsg));
      if (action !== "DoNotSchedule") {
        errs.push(
          invalidField(
            p.child("minDomains"),
            minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`,
          ),
        );
      }
    }
    errs.push(...validateNodeInclusionPolicy(c.nodeAffinityPolicy, p.child("nodeAffinityPolicy")));
    errs.push(...validateNodeInclusionPolicy(c.nodeTaintsPolicy, p.child("nodeTaintsPolicy")));
    const keys = arr(c.matchLabelKeys).map((x) => str(x));
    errs.push(...validateMatchLabelKeys(keys, c.labelSelector, p.child("matchLabelKeys")));
    if (!options.allowInvalidTopologySpreadConstraintLabelSelector) {
      errs.push(...validateLabelSelector(selectorOf(c.labelSelector), p.child("labelSelector")));
    }
  });
  return errs;
}

/**
 * Whether a (stored) spec has a spread constraint whose labelSelector fails
 * validation (kube's hasInvalidTopologySpreadConstraintLabelSelector): an
 * update of such a spec validates with allowInvalidTopologySpreadConstraintLabelSelector.
 */
export function hasInvalidTopologySpreadConstraintLabelSelector(spec: Obj): boolean {
  return objs(spec.topologySpreadConstraints).some(
    (c) => validateLabelSelector(selectorOf(c.labelSelector), path0).length > 0,
  );
}

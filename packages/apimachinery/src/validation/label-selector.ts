// metav1 LabelSelector validation (apis/meta/v1/validation.ValidateLabelSelector):
// matchLabels as labels, each matchExpression's operator, values and key, with
// kube's paths and texts.

import { type FieldError, forbiddenField, invalidField, requiredField } from "./field-error.js";
import type { FieldPath } from "./field-path.js";
import { isQualifiedName, isValidLabelValue } from "./names.js";
import { validateLabels } from "./object-meta.js";

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key?: string; operator?: string; values?: string[] | null }[] | null;
}

export interface LabelSelectorValidationOptions {
  /** Skip the label-value syntax of matchExpressions values (kube's AllowInvalidLabelValueInSelector). */
  allowInvalidLabelValueInSelector?: boolean;
}

/**
 * A selector requirement's operator against its number of values, in kube's words (shared by label selectors and
 * node selectors; `numeric` admits the node selector's Gt and Lt, which take exactly one value).
 */
export function selectorOperatorErrors(
  operator: string,
  valueCount: number,
  path: FieldPath,
  numeric = false,
): FieldError[] {
  switch (operator) {
    case "In":
    case "NotIn":
      return valueCount === 0
        ? [requiredField(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'")]
        : [];
    case "Exists":
    case "DoesNotExist":
      return valueCount > 0
        ? [forbiddenField(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")]
        : [];
    case "Gt":
    case "Lt":
      if (numeric) {
        return valueCount !== 1
          ? [requiredField(path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'")]
          : [];
      }
  }
  return [invalidField(path.child("operator"), operator, "not a valid selector operator")];
}

export function validateLabelSelector(
  selector: LabelSelectorSpec | null | undefined,
  path: FieldPath,
  options: LabelSelectorValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (selector === null || selector === undefined) return errs;
  errs.push(...validateLabels(selector.matchLabels ?? undefined, path.child("matchLabels")));
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const p = path.child("matchExpressions").index(i);
    const values = expr.values ?? [];
    errs.push(...selectorOperatorErrors(expr.operator ?? "", values.length, p));
    const key = expr.key ?? "";
    for (const m of isQualifiedName(key)) errs.push(invalidField(p.child("key"), key, m));
    if (!options.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        for (const m of isValidLabelValue(v)) errs.push(invalidField(p.child("values").index(j), v, m));
      });
    }
  });
  return errs;
}

/**
 * Whether labels satisfy a selector as metav1.LabelSelectorAsSelector reads
 * it: undefined selects nothing, an empty selector everything. Returns
 * undefined when the selector cannot be converted (a bad operator or key).
 */
export function labelSelectorMatches(
  selector: LabelSelectorSpec | null | undefined,
  labels: Record<string, string> | null | undefined,
): boolean | undefined {
  if (selector === null || selector === undefined) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (isQualifiedName(k).length > 0 || isValidLabelValue(v).length > 0) return undefined;
    if (!Object.hasOwn(l, k) || l[k] !== v) return false;
  }
  let ok = true;
  for (const e of selector.matchExpressions ?? []) {
    const key = e.key ?? "";
    if (isQualifiedName(key).length > 0) return undefined;
    const values = e.values ?? [];
    const has = Object.hasOwn(l, key);
    switch (e.operator) {
      case "In":
        if (values.length === 0) return undefined;
        if (!has || !values.includes(l[key]!)) ok = false;
        break;
      case "NotIn":
        if (values.length === 0) return undefined;
        if (has && values.includes(l[key]!)) ok = false;
        break;
      case "Exists":
        if (values.length > 0) return undefined;
        if (!has) ok = false;
        break;
      case "DoesNotExist":
        if (values.length > 0) return undefined;
        if (has) ok = false;
        break;
      default:
        return undefined;
    }
  }
  return ok;
}

/** Whether the selector has no requirement at all (selects everything). */
export function labelSelectorIsEmpty(selector: LabelSelectorSpec | null | undefined): boolean {
  if (selector === null || selector === undefined) return false;
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
}

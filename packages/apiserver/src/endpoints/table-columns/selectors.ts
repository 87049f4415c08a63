// Label maps and label selectors as kube's printers write them: sorted
// "key=value" pairs, and selector requirements sorted by key.

import { at, list, str, stringMap } from "./object.js";

/** labels.FormatLabels: "a=1,b=2" sorted, or <none>. */
export function formatLabels(labels: unknown): string {
  const pairs = Object.entries(stringMap(labels)).map(([k, v]) => `${k}=${v}`);
  pairs.sort(compareStrings);
  return pairs.length === 0 ? "<none>" : pairs.join(",");
}

/** Byte-wise string order, as Go's sort of strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): "" for a missing or empty
 * selector, undefined when the selector cannot be converted.
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (selector === undefined || selector === null) return "";
  const matchLabels = stringMap(at(selector, "matchLabels"));
  const expressions = list(at(selector, "matchExpressions"));
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(matchLabels)) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of expressions) {
    const key = str(at(e, "key"));
    const values = list(at(e, "values")).map((v) => str(v));
    const sorted = [...values].sort(compareStrings);
    const joined = values.length === 1 ? values[0] : sorted.join(",");
    switch (str(at(e, "operator"))) {
      case "In":
        if (values.length === 0) return undefined;
        reqs.push({ key, text: `${key} in (${joined})` });
        break;
      case "NotIn":
        if (values.length === 0) return undefined;
        reqs.push({ key, text: `${key} notin (${joined})` });
        break;
      case "Exists":
        if (values.length !== 0) return undefined;
        reqs.push({ key, text: key });
        break;
      case "DoesNotExist":
        if (values.length !== 0) return undefined;
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  // Requirements are ordered by key (a stable sort keeps equal keys in place).
  reqs.sort((a, b) => compareStrings(a.key, b.key));
  return reqs.map((r) => r.text).join(",");
}

/** metav1.FormatLabelSelector: the selector's string, <none> when it selects by nothing, <error> when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return "<error>";
  return s === "" ? "<none>" : s;
}

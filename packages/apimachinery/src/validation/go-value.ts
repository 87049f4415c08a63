// Bad values printed the way kube-apiserver prints them. Go's field.Error
// renders a struct or map with %#v ("map[string]string{\"app\":\"web\"}",
// "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"25%\"}"), and those texts
// reach users inside 422 answers. invalidField prints objects as JSON; the
// helpers here carry the Go rendering instead, for the few shapes whose Go
// text is well known and stable.

import { goQuote } from "../go-quote.js";
import { FieldError, FieldErrorType } from "./field-error.js";
import type { FieldPath } from "./field-path.js";

/** A bad value whose printed form is already decided. */
export class GoValue {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const typeText: Partial<Record<FieldErrorType, string>> = {
  [FieldErrorType.Invalid]: "Invalid value",
  [FieldErrorType.NotSupported]: "Unsupported value",
  [FieldErrorType.Duplicate]: "Duplicate value",
  [FieldErrorType.NotFound]: "Not found",
};

/** A FieldError whose bad value is printed verbatim from a GoValue. */
class GoFieldError extends FieldError {
  override body(): string {
    const v = this.badValue;
    if (!(v instanceof GoValue) || typeText[this.type] === undefined) return super.body();
    let s = `${typeText[this.type]}: ${v.text}`;
    if (this.detail !== "") s += `: ${this.detail}`;
    return s;
  }
}

function str(path: FieldPath | string): string {
  return typeof path === "string" ? path : path.toString();
}

/** field.Invalid with a value printed as Go prints it. */
export function invalidGoField(path: FieldPath | string, value: GoValue, detail: string): FieldError {
  return new GoFieldError(FieldErrorType.Invalid, str(path), value, detail);
}

/** field.NotSupported with a value printed as Go prints it. */
export function notSupportedGoField(
  path: FieldPath | string,
  value: GoValue,
  validValues: readonly string[],
): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map((v) => goQuote(v)).join(", ")}` : "";
  return new GoFieldError(FieldErrorType.NotSupported, str(path), value, detail);
}

/** field.Duplicate with a value printed as Go prints it. */
export function duplicateGoField(path: FieldPath | string, value: GoValue): FieldError {
  return new GoFieldError(FieldErrorType.Duplicate, str(path), value, "");
}

/** %#v of a map[string]string: keys sorted, nil and empty told apart. */
export function goStringMap(m: Record<string, string> | null | undefined): GoValue {
  if (m === null || m === undefined) return new GoValue("map[string]string(nil)");
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`);
  return new GoValue(`map[string]string{${entries.join(", ")}}`);
}

/** %#v of a []string. */
export function goStringSlice(s: readonly string[] | null | undefined): GoValue {
  if (s === null || s === undefined) return new GoValue("[]string(nil)");
  return new GoValue(`[]string{${s.map((x) => goQuote(String(x))).join(", ")}}`);
}

interface SelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key?: string; operator?: string; values?: string[] | null }[] | null;
}

/** %#v of a metav1.LabelSelector (as kube prints a selector after dereferencing it). */
export function goLabelSelector(sel: SelectorLike | null | undefined): GoValue {
  if (sel === null || sel === undefined) return new GoValue('"null"');
  const exprs = sel.matchExpressions;
  let exprText: string;
  if (exprs === null || exprs === undefined) exprText = "[]v1.LabelSelectorRequirement(nil)";
  else {
    const items = exprs.map(
      (e) =>
        `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? "")}, Operator:${goQuote(e.operator ?? "")}, Values:${goStringSlice(e.values).text}}`,
    );
    exprText = `[]v1.LabelSelectorRequirement{${items.join(", ")}}`;
  }
  return new GoValue(
    `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels).text}, MatchExpressions:${exprText}}`,
  );
}

/** %#v of an intstr.IntOrString decoded from JSON (a number or a string). */
export function goIntOrString(v: unknown): GoValue {
  if (typeof v === "string") return new GoValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`);
  const n = typeof v === "number" ? v : 0;
  return new GoValue(`intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`);
}

/** A float64 as Go's %v and %#v print it: shortest digits, exponent form below 1e-4 and from 1e+06. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp >= -4 && exp < 6) return String(n);
  const [m, e] = n.toExponential().split("e");
  const x = Number(e);
  return `${m}e${x < 0 ? "-" : "+"}${String(Math.abs(x)).padStart(2, "0")}`;
}

/** A decoded JSON value inside an interface{} as %#v prints it (integers are int64, other numbers float64). */
function goJsonText(v: unknown, nested: boolean): string {
  if (v === null || v === undefined) return nested ? "interface {}(nil)" : "<nil>";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : goFloat(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goJsonText(x, true)).join(", ")}}`;
  const o = v as Record<string, unknown>;
  const entries = Object.keys(o)
    .sort()
    .map((k) => `${goQuote(k)}:${goJsonText(o[k], true)}`);
  return `map[string]interface {}{${entries.join(", ")}}`;
}

/** %#v of a map or slice decoded from JSON into interface{} values (unstructured content). */
export function goJsonValue(v: Record<string, unknown> | unknown[]): GoValue {
  return new GoValue(goJsonText(v, false));
}

/** A bad value decoded from JSON, printed as kube prints unstructured content: maps and slices with %#v. */
function jsonBadValue(value: unknown): unknown {
  return value !== null && typeof value === "object" ? goJsonValue(value as Record<string, unknown>) : value;
}

/** field.Invalid of a value decoded from JSON (custom resources, schema defaults). */
export function invalidJsonField(path: FieldPath | string, value: unknown, detail: string): FieldError {
  return new GoFieldError(FieldErrorType.Invalid, str(path), jsonBadValue(value), detail);
}

/** field.Duplicate of a value decoded from JSON. */
export function duplicateJsonField(path: FieldPath | string, value: unknown): FieldError {
  return new GoFieldError(FieldErrorType.Duplicate, str(path), jsonBadValue(value), "");
}

// Field-level validation errors, modelled on k8s.io/apimachinery's
// util/validation/field.Error. Each error renders as "<field>: <body>" and the
// body is what goes into a Status cause's message; the type string is the
// cause's reason. Both texts are kube's, since clients show and match them.

import { goQuote } from "../go-quote.js";
import type { FieldPath } from "./field-path.js";

export const FieldErrorType = {
  NotFound: "FieldValueNotFound",
  Required: "FieldValueRequired",
  Duplicate: "FieldValueDuplicate",
  Invalid: "FieldValueInvalid",
  NotSupported: "FieldValueNotSupported",
  Forbidden: "FieldValueForbidden",
  TooLong: "FieldValueTooLong",
  TooMany: "FieldValueTooMany",
  Internal: "InternalError",
  TypeInvalid: "FieldValueTypeInvalid",
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

/** The human text kube prints for each type (field.ErrorType.String()). */
const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** Marks an error whose value must not be printed (kube's omitValue). */
const OMIT = Symbol("omitValue");

/** Types whose body never shows the offending value, whatever it is. */
const valueless = new Set<FieldErrorType>([
  FieldErrorType.Required,
  FieldErrorType.Forbidden,
  FieldErrorType.TooLong,
  FieldErrorType.Internal,
]);

/**
 * Prints a bad value as Go's field.Error does: numbers and booleans bare,
 * strings with %q, null/undefined as null. Go falls back to %#v for structs;
 * Go syntax means nothing to our clients, so objects and arrays print as JSON.
 */
function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v) ?? String(v);
}

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    /** The rendered path, e.g. "metadata.name". */
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field prefix: the Status cause's message. */
  body(): string {
    let s: string;
    if (valueless.has(this.type) || this.badValue === OMIT) s = typeText[this.type];
    else s = `${typeText[this.type]}: ${formatValue(this.badValue)}`;
    if (this.detail !== "") s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

function str(path: FieldPath | string): string {
  return typeof path === "string" ? path : path.toString();
}

/** The field's value is not valid; detail says why. */
export function invalidField(path: FieldPath | string, value: unknown, detail: string): FieldError {
  return new FieldError(FieldErrorType.Invalid, str(path), value, detail);
}

/** A required field is empty or missing. */
export function requiredField(path: FieldPath | string, detail = ""): FieldError {
  return new FieldError(FieldErrorType.Required, str(path), "", detail);
}

/** The value is not one of an enumeration; the valid ones are listed quoted, as kube does. */
export function notSupportedField(
  path: FieldPath | string,
  value: unknown,
  validValues: readonly string[],
): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map((v) => goQuote(v)).join(", ")}` : "";
  return new FieldError(FieldErrorType.NotSupported, str(path), value, detail);
}

/** The field may not be set (in this context). */
export function forbiddenField(path: FieldPath | string, detail: string): FieldError {
  return new FieldError(FieldErrorType.Forbidden, str(path), "", detail);
}

/** The value repeats one that must be unique. */
export function duplicateField(path: FieldPath | string, value: unknown): FieldError {
  return new FieldError(FieldErrorType.Duplicate, str(path), value, "");
}

/** The value was looked up and not found. */
export function notFoundField(path: FieldPath | string, value: unknown): FieldError {
  return new FieldError(FieldErrorType.NotFound, str(path), value, "");
}

/** The value is longer than maxLength bytes (1.28's field.TooLong); the value itself is never echoed back. */
export function tooLongField(path: FieldPath | string, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `must have at most ${maxLength} bytes` : "value is too long";
  return new FieldError(FieldErrorType.TooLong, str(path), OMIT, detail);
}

/** A list has more items than allowed. */
export function tooManyField(path: FieldPath | string, actual: number | undefined, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? "item" : "items"}` : "has too many items";
  return new FieldError(FieldErrorType.TooMany, str(path), actual === undefined ? OMIT : actual, detail);
}

/** Validation itself failed. */
export function internalFieldError(path: FieldPath | string, err: Error | string): FieldError {
  return new FieldError(FieldErrorType.Internal, str(path), "", typeof err === "string" ? err : err.message);
}

/**
 * Joins errors as kube's utilerrors.Aggregate prints them: one error alone,
 * several as "[a, b]", repeated messages only once. Returns "" for none.
 */
export function aggregate(errors: readonly { toString(): string }[]): string {
  const seen: string[] = [];
  for (const e of errors) {
    const msg = e.toString();
    if (!seen.includes(msg)) seen.push(msg);
  }
  if (seen.length === 0) return "";
  if (seen.length === 1) return seen[0]!;
  return `[${seen.join(", ")}]`;
}

// Field selectors as k8s.io/apimachinery/pkg/fields parses them: terms
// "field=value", "field==value" or "field!=value" separated by commas, with
// backslash escapes for ',', '=' and '\' in values. Error texts are kube's;
// the apiserver answers them as 400 BadRequest.

import { badRequest, type StatusError } from "../status.js";

export type FieldOperator = "=" | "!=";

export interface FieldTerm {
  field: string;
  /** "==" is parsed as "=", as kube does. */
  operator: FieldOperator;
  value: string;
}

export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldSelectorError";
  }
}

/** Escapes a value for use in a selector string (fields.EscapeValue). */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue, with its errors. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
      continue;
    }
    if (c === "\\") inSlash = true;
    else if (c === "," || c === "=") {
      // Go formats the rune with %v, which prints its code point number ("61" for '=').
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new FieldSelectorError("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** Splits on commas not preceded by a backslash escape. */
function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first operator found scanning left to right; at one position "!=" and "==" win over "=". */
function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="]) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

export class FieldSelector {
  private constructor(readonly terms: readonly FieldTerm[]) {}

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  static of(terms: readonly FieldTerm[]): FieldSelector {
    return new FieldSelector([...terms]);
  }

  empty(): boolean {
    return this.terms.length === 0;
  }

  /** A missing field reads as "", so "a=" matches objects without a. */
  matches(fields: Record<string, string>): boolean {
    return this.terms.every((t) => {
      const v = Object.hasOwn(fields, t.field) ? fields[t.field] : "";
      return t.operator === "=" ? v === t.value : v !== t.value;
    });
  }

  /** The value a term requires for this field ("" and false when none), as fields.Selector.RequiresExactMatch. */
  requiresExactMatch(field: string): { value: string; found: boolean } {
    for (const t of this.terms) if (t.field === field && t.operator === "=") return { value: t.value, found: true };
    return { value: "", found: false };
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(",");
  }
}

/** fields.ParseSelector: throws FieldSelectorError with kube's message. */
export function parseFieldSelectorOrThrow(selector: string): FieldSelector {
  // Kube sorts the raw terms before parsing, which fixes both term order and which bad term is reported.
  const parts = splitTerms(selector).sort();
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    terms.push({ field, operator: op === "!=" ? "!=" : "=", value: unescapeFieldValue(rhs) });
  }
  return FieldSelector.of(terms);
}

/** Parses a fieldSelector query parameter; bad input is a 400 BadRequest StatusError. */
export function parseFieldSelector(selector: string): FieldSelector {
  try {
    return parseFieldSelectorOrThrow(selector);
  } catch (e) {
    if (e instanceof FieldSelectorError) throw badRequest(e.message);
    throw e;
  }
}

/** The 400 for a selector on a field the resource does not index, as kube's field label conversion answers. */
export function fieldLabelNotSupported(label: string): StatusError {
  return badRequest(`field label not supported: ${label}`);
}

import { FieldError, FieldErrorType, invalidField, notSupportedField, requiredField } from "@wharf/apimachinery";
import { knownFormat, validFormat } from "./formats.js";
import { additionalSchema, goNumber, isObj, type JSONSchemaProps, jsonTypeOf } from "./json-schema.js";

// Validation of a custom resource against its version's OpenAPI v3 schema,
// with the semantics of kube-openapi's SchemaValidator (what kube-apiserver
// 1.28 runs) and its errors turned into field errors as
// apiextensions-apiserver does: a wrong type is
// `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`,
// a missing required field `spec.x: Required value`, an enum miss
// `Unsupported value`, maxLength `Too long`, maxItems/maxProperties
// `Too many`, everything else `Invalid value: <value>: <kube-openapi message>`.

type Code = "type" | "required" | "enum" | "tooLong" | "maxItems" | "maxProperties" | "other";

interface SchemaError {
  code: Code;
  /** kube-openapi's path of the value ("spec.replicas", ".spec" for required, "" at the root). */
  name: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
  message: string;
}

const IN = "body";

function invalidType(path: string, typeName: string, value: unknown): SchemaError {
  // kube-openapi prints the offending value (the JSON type name, or the string for formats) with %q.
  const message =
    typeof value === "string"
      ? `${path} in ${IN} must be of type ${typeName}: ${JSON.stringify(value)}`
      : `${path} in ${IN} must be of type ${typeName}`;
  return { code: "type", name: path, value, message };
}

function types(s: JSONSchemaProps): string[] {
  if (s["x-kubernetes-int-or-string"]) return ["integer", "string"];
  return s.type ? [s.type] : [];
}

function validateType(s: JSONSchemaProps, data: unknown, path: string, out: SchemaError[]): void {
  const t = types(s);
  if (data === null || data === undefined) {
    if (t.length > 0 && !t.includes("null") && !s.nullable) out.push(invalidType(path, t.join(","), "null"));
    return;
  }
  if (t.length === 0) return;
  const actual = jsonTypeOf(data);
  // A string or array with a format is the format validator's business.
  if (!(t.includes("number") || t.includes("integer")) && s.format && (actual === "string" || actual === "array")) {
    return;
  }
  const ok =
    t.includes(actual) ||
    (actual === "number" && t.includes("integer") && Number.isInteger(data)) ||
    (actual === "integer" && t.includes("number"));
  if (!ok) out.push(invalidType(path, t.join(","), actual));
}

function quoteAll(values: unknown[]): string {
  return `[${values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ")}]`;
}

function validateSchemaProps(s: JSONSchemaProps, data: unknown, path: string, out: SchemaError[]): void {
  const quoted = JSON.stringify(path);
  if (s.allOf) for (const sub of s.allOf) validateAt(sub, data, path, out);
  if (s.anyOf && s.anyOf.length > 0 && !s.anyOf.some((sub) => collect(sub, data, path).length === 0)) {
    out.push({ code: "other", name: "", message: `${quoted} must validate at least one schema (anyOf)` });
  }
  if (s.oneOf && s.oneOf.length > 0) {
    const matching = s.oneOf.filter((sub) => collect(sub, data, path).length === 0).length;
    if (matching !== 1) {
      out.push({ code: "other", name: "", message: `${quoted} must validate one and only one schema (oneOf)` });
    }
  }
  if (s.not && collect(s.not, data, path).length === 0) {
    out.push({ code: "other", name: "", message: `${quoted} must not validate the schema (not)` });
  }
}

function validateString(s: JSONSchemaProps, data: string, path: string, out: SchemaError[]): void {
  const length = [...data].length;
  if (s.maxLength !== undefined && length > s.maxLength) {
    out.push({
      code: "tooLong",
      name: path,
      value: data,
      valid: s.maxLength,
      message: `${path} in ${IN} should be at most ${s.maxLength} chars long`,
    });
    return;
  }
  if (s.minLength !== undefined && length < s.minLength) {
    out.push({
      code: "other",
      name: path,
      value: data,
      message: `${path} in ${IN} should be at least ${s.minLength} chars long`,
    });
    return;
  }
  if (s.pattern !== undefined && !compilePattern(s.pattern).test(data)) {
    out.push({ code: "other", name: path, value: data, message: `${path} in ${IN} should match '${s.pattern}'` });
  }
}

const patterns = new Map<string, RegExp>();

/** A schema pattern (RE2 syntax, unanchored) as a JavaScript RegExp. */
export function compilePattern(p: string): RegExp {
  let r = patterns.get(p);
  if (!r) {
    try {
      r = new RegExp(p, "u");
    } catch {
      r = new RegExp(p);
    }
    patterns.set(p, r);
  }
  return r;
}

function validateNumber(s: JSONSchemaProps, data: number, path: string, out: SchemaError[]): void {
  const isInt = Number.isInteger(data);
  const bound = (b: number) => goNumber(isInt ? Math.trunc(b) : b);
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = data / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) {
      out.push({
        code: "other",
        name: path,
        value: data,
        message: `${path} in ${IN} should be a multiple of ${goNumber(s.multipleOf)}`,
      });
    }
  }
  if (s.minimum !== undefined) {
    const fails = s.exclusiveMinimum ? data <= s.minimum : data < s.minimum;
    if (fails) {
      const rel = s.exclusiveMinimum ? "greater than" : "greater than or equal to";
      out.push({
        code: "other",
        name: path,
        value: data,
        message: `${path} in ${IN} should be ${rel} ${bound(s.minimum)}`,
      });
    }
  }
  if (s.maximum !== undefined) {
    const fails = s.exclusiveMaximum ? data >= s.maximum : data > s.maximum;
    if (fails) {
      const rel = s.exclusiveMaximum ? "less than" : "less than or equal to";
      out.push({
        code: "other",
        name: path,
        value: data,
        message: `${path} in ${IN} should be ${rel} ${bound(s.maximum)}`,
      });
    }
  }
}

function validateArray(s: JSONSchemaProps, data: unknown[], path: string, out: SchemaError[]): void {
  const items = s.items;
  if (items) {
    for (const [i, v] of data.entries()) validateAt(items, v, `${path}[${i}]`, out);
  }
  if (s.minItems !== undefined && data.length < s.minItems) {
    out.push({
      code: "other",
      name: path,
      value: data.length,
      message: `${path} in ${IN} should have at least ${s.minItems} items`,
    });
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) {
    out.push({
      code: "maxItems",
      name: path,
      value: data.length,
      valid: s.maxItems,
      message: `${path} in ${IN} should have at most ${s.maxItems} items`,
    });
  }
  if (s.uniqueItems) {
    const seen = new Set(data.map((v) => JSON.stringify(v)));
    if (seen.size !== data.length) {
      out.push({ code: "other", name: path, message: `${path} in ${IN} shouldn't contain duplicates` });
    }
  }
}

function validateEnum(s: JSONSchemaProps, data: unknown, path: string, out: SchemaError[]): void {
  if (!s.enum || s.enum.length === 0) return;
  const text = JSON.stringify(data ?? null);
  if (s.enum.some((e) => JSON.stringify(e) === text)) return;
  out.push({
    code: "enum",
    name: path,
    value: data,
    values: s.enum,
    message: `${path} in ${IN} should be one of ${quoteAll(s.enum)}`,
  });
}

function validateObject(s: JSONSchemaProps, data: Record<string, unknown>, path: string, out: SchemaError[]): void {
  const keys = Object.keys(data);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    out.push({
      code: "other",
      name: path,
      value: keys.length,
      message: `${path} in ${IN} should have at least ${s.minProperties} properties`,
    });
    return;
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    out.push({
      code: "maxProperties",
      name: path,
      value: keys.length,
      valid: s.maxProperties,
      message: `${path} in ${IN} should have at most ${s.maxProperties} properties`,
    });
    return;
  }
  const props = s.properties ?? {};
  const child = (k: string) => (path === "" ? k : `${path}.${k}`);
  const extra = additionalSchema(s);
  if (s.additionalProperties === false) {
    for (const k of keys) {
      if (!Object.hasOwn(props, k)) {
        out.push({
          code: "other",
          name: path,
          value: k,
          message: `${path}.${k} in ${IN} is a forbidden property`,
        });
      }
    }
  } else if (extra) {
    for (const k of keys) if (!Object.hasOwn(props, k)) validateAt(extra, data[k], `${path}.${k}`, out);
  }
  for (const [k, ps] of Object.entries(props)) if (Object.hasOwn(data, k)) validateAt(ps, data[k], child(k), out);
  for (const k of s.required ?? []) {
    if (!Object.hasOwn(data, k)) {
      out.push({ code: "required", name: `${path}.${k}`, message: `${path}.${k} in ${IN} is required` });
    }
  }
}

/** kube-openapi's SchemaValidator on one value: type, composition, string, format, number, array, enum, object. */
function validateAt(s: JSONSchemaProps, data: unknown, path: string, out: SchemaError[]): void {
  validateType(s, data, path, out);
  if (data === null || data === undefined) {
    validateEnum(s, null, path, out);
    return;
  }
  validateSchemaProps(s, data, path, out);
  if (typeof data === "string") {
    validateString(s, data, path, out);
    if (s.format && knownFormat(s.format) && !validFormat(s.format, data)) {
      out.push(invalidType(path, s.format, data));
    }
  }
  if (typeof data === "number") validateNumber(s, data, path, out);
  if (Array.isArray(data)) validateArray(s, data, path, out);
  validateEnum(s, data, path, out);
  if (isObj(data)) validateObject(s, data, path, out);
}

function collect(s: JSONSchemaProps, data: unknown, path: string): SchemaError[] {
  const out: SchemaError[] = [];
  validateAt(s, data, path, out);
  return out;
}

/** A kube-openapi error as apiextensions-apiserver reports it (kubeOpenAPIResultToFieldErrors), under `at`. */
function toFieldError(e: SchemaError, at: string | undefined): FieldError {
  const trimmed = e.name.replace(/^\./, "");
  const atRoot = e.name === "" || e.name === ".";
  // A nil field path prints as "<nil>" in kube's messages.
  const field = at === undefined ? (atRoot ? "<nil>" : trimmed) : atRoot ? at : `${at}.${trimmed}`;
  const value = e.value === undefined ? "" : e.value;
  switch (e.code) {
    case "required":
      return requiredField(field);
    case "enum":
      return notSupportedField(
        field,
        e.value ?? null,
        (e.values ?? []).map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
      );
    case "tooLong":
      return new FieldError(FieldErrorType.TooLong, field, value, `may not be longer than ${e.valid ?? -1}`);
    case "maxItems":
    case "maxProperties":
      return new FieldError(FieldErrorType.TooMany, field, e.value, `must have at most ${e.valid ?? -1} items`);
    case "type":
      return new FieldError(FieldErrorType.TypeInvalid, field, value, e.message);
    default:
      return invalidField(field, value, e.message);
  }
}

/**
 * The field errors of a custom resource (or any value) against a schema; none when it is valid. `at` is the field
 * path of the value, when it has one (a schema's default).
 */
export function validateAgainstSchema(schema: JSONSchemaProps | undefined, value: unknown, at?: string): FieldError[] {
  if (!schema) return [];
  return collect(schema, value, "").map((e) => toFieldError(e, at));
}

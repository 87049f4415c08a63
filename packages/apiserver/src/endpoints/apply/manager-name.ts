import {
  type FieldError,
  forbiddenField,
  invalid,
  invalidField,
  requiredField,
  type StatusError,
  tooLongField,
} from "@wharf/apimachinery";
import { fieldValidationErrors } from "../field-validation/field-validation.js";

// Who a write is recorded for: the request's fieldManager, else (for
// everything but apply, which requires one) the User-Agent's product name,
// as kube-apiserver takes it.

/** kube's FieldManagerMaxLength, in bytes. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const isPrint = (ch: string) => ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);

/** kube's prefixFromUserAgent: before the first "/", printable characters only, at most 128 bytes. */
export function prefixFromUserAgent(userAgent: string): string {
  let out = "";
  let bytes = 0;
  for (const ch of userAgent.split("/")[0] ?? "") {
    if (!isPrint(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** The manager a non-apply write is recorded for. */
export function managerOrUserAgent(fieldManager: string | null | undefined, userAgent: string | undefined): string {
  return fieldManager ? fieldManager : prefixFromUserAgent(userAgent ?? "");
}

function validateFieldManager(fieldManager: string, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(fieldManager) > FIELD_MANAGER_MAX_LENGTH) {
    errors.push(tooLongField(path, FIELD_MANAGER_MAX_LENGTH));
  }
  let at = 0;
  for (const ch of fieldManager) {
    if (!isPrint(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      errors.push(invalidField(path, fieldManager, `invalid character U+${code} (at position ${at})`));
    }
    at += Buffer.byteLength(ch);
  }
  return errors;
}

const OPTIONS_KIND = (kind: string) => ({ group: "meta.k8s.io", kind });

/** kube's ValidatePatchOptions: 422 on PatchOptions.meta.k8s.io, before the object is read. */
export function validatePatchOptions(q: URLSearchParams, apply: boolean): StatusError | undefined {
  const errors: FieldError[] = [];
  const fieldManager = q.get("fieldManager") ?? "";
  if (!apply) {
    if (q.has("force")) errors.push(forbiddenField("force", "may not be specified for non-apply patch"));
  } else if (fieldManager === "") {
    errors.push(requiredField("fieldManager", "is required for apply patch"));
  }
  errors.push(...validateFieldManager(fieldManager, "fieldManager"), ...fieldValidationErrors(q));
  return errors.length > 0 ? invalid(OPTIONS_KIND("PatchOptions"), "", errors) : undefined;
}

/** The fieldManager and fieldValidation checks of CreateOptions and UpdateOptions. */
export function validateWriteOptions(
  q: URLSearchParams,
  kind: "CreateOptions" | "UpdateOptions",
): StatusError | undefined {
  const errors = [...validateFieldManager(q.get("fieldManager") ?? "", "fieldManager"), ...fieldValidationErrors(q)];
  return errors.length > 0 ? invalid(OPTIONS_KIND(kind), "", errors) : undefined;
}

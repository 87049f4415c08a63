// ObjectMeta validation for create, after kube's
// apimachinery/pkg/api/validation.ValidateObjectMetaAccessor: the same checks
// in the same order with the same field paths and messages, so a 422 from
// Wharf reads exactly like one from kube-apiserver.

import { type FieldError, forbiddenField, invalidField, requiredField, tooLongField } from "./field-error.js";
import { FieldPath } from "./field-path.js";
import { isQualifiedName, isValidLabelValue, type NameValidator, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";

/** Annotations may hold at most 256 KiB of keys plus values in total. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

/** The subset of metav1.ObjectMeta that validation reads. */
export interface ValidatableMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface ValidateObjectMetaOptions {
  /** Whether the resource lives in a namespace (then metadata.namespace is required, else forbidden). */
  namespaced: boolean;
  /** How names are checked; DNS subdomain, as for most resources, unless given. */
  nameValidator?: NameValidator;
  /** The path of the metadata; "metadata" unless given. */
  path?: FieldPath;
}

/** Go iterates maps in random order; we sort so repeated requests give the same message. */
function sortedKeys(m: Record<string, string>): string[] {
  return Object.keys(m).sort();
}

export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const k of sortedKeys(labels)) {
    // Kube reports label errors on the map's path, not on the key's.
    for (const m of isQualifiedName(k)) errs.push(invalidField(path, k, m));
    const v = labels[k]!;
    for (const m of isValidLabelValue(v)) errs.push(invalidField(path, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const k of sortedKeys(annotations)) {
    // Annotation keys are qualified names except that case does not matter.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidField(path, k, m));
    total += Buffer.byteLength(k, "utf8") + Buffer.byteLength(annotations[k]!, "utf8");
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLongField(path, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

export function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  // Repeats are allowed, as in kube; only the two contradictory deletion policies clash.
  finalizers.forEach((f, i) => {
    for (const m of isQualifiedName(f)) errs.push(invalidField(path.index(i), f, m));
  });
  if (finalizers.includes("orphan") && finalizers.includes("foregroundDeletion")) {
    errs.push(invalidField(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

/** Validates an object's metadata for create; an empty list means valid. */
export function validateObjectMeta(meta: ValidatableMeta, options: ValidateObjectMetaOptions): FieldError[] {
  const path = options.path ?? FieldPath.of("metadata");
  const nameFn = options.nameValidator ?? nameIsDNSSubdomain;
  const errs: FieldError[] = [];
  const generateName = meta.generateName ?? "";
  const name = meta.name ?? "";
  const namespace = meta.namespace ?? "";

  if (generateName !== "") {
    for (const m of nameFn(generateName, true)) errs.push(invalidField(path.child("generateName"), generateName, m));
  }
  // By the time this runs a generateName has already produced the name, so an empty name means neither was given.
  if (name === "") errs.push(requiredField(path.child("name"), "name or generateName is required"));
  else for (const m of nameFn(name, false)) errs.push(invalidField(path.child("name"), name, m));

  if (options.namespaced) {
    if (namespace === "") errs.push(requiredField(path.child("namespace")));
    else
      for (const m of nameIsDNSLabel(namespace, false)) errs.push(invalidField(path.child("namespace"), namespace, m));
  } else if (namespace !== "") {
    errs.push(forbiddenField(path.child("namespace"), "not allowed on this type"));
  }

  if (meta.generation !== undefined && meta.generation < 0) {
    errs.push(invalidField(path.child("generation"), meta.generation, "must be greater than or equal to 0"));
  }
  errs.push(...validateLabels(meta.labels, path.child("labels")));
  errs.push(...validateAnnotations(meta.annotations, path.child("annotations")));
  errs.push(...validateFinalizers(meta.finalizers, path.child("finalizers")));
  return errs;
}

import type { KindStrategy, KubeObject } from "../registry/strategy.js";
import { type Crd, defaultCrd, validateCrd, validateCrdUpdate } from "./crd-validation.js";

// The CustomResourceDefinition kind's strategy (apiextensions-apiserver's
// customresourcedefinition strategy): v1 defaults, validation, and on
// update the storage version recorded in status.storedVersions.

/** Adds the storage version to status.storedVersions if it is not there yet (PrepareForCreate/PrepareForUpdate). */
export function recordStorageVersion(obj: KubeObject): void {
  const crd = obj as unknown as Crd;
  const storage = (crd.spec?.versions ?? []).find((v) => v?.storage)?.name;
  if (!storage) return;
  crd.status ??= {};
  const stored = crd.status.storedVersions ?? [];
  if (!stored.includes(storage)) crd.status.storedVersions = [...stored, storage];
}

export const crdStrategy: KindStrategy = {
  default: (obj) => defaultCrd(obj),
  validate: (obj, old) => validateCrd(obj as unknown as Crd, old as unknown as Crd | undefined),
  validateUpdate: (obj, old) => validateCrdUpdate(obj as unknown as Crd, old as unknown as Crd),
};

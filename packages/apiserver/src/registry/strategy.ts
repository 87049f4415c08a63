import type { FieldError, NameValidator } from "@wharf/apimachinery";

/** An object as the registry handles it: decoded JSON. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

/**
 * What kube-apiserver's per-kind REST strategy decides for one built-in kind:
 * defaults, validation on create and update, and how names are checked. The
 * generic store applies it; the kind's module (registry/strategies/) only
 * knows the object's shape.
 */
export interface KindStrategy {
  /** Fills defaults in place, as kube's defaulting functions do on every decode (create and update). */
  default?(obj: KubeObject): void;
  /** Sets what the server owns on a new object, after defaulting and before validation (kube's PrepareForCreate). */
  prepareForCreate?(obj: KubeObject): void;
  /** Carries stored values an update may omit into it, after defaulting and before validation (kube's PrepareForUpdate). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /**
   * Validates an object (after defaulting); metadata is validated by the store. `old` is the stored object on
   * update: a few checks are lenient with what was already stored, as kube's validation options are.
   */
  validate?(obj: KubeObject, old?: KubeObject): FieldError[];
  /** Validates a /status write against the stored object (kube's status strategy's ValidateUpdate). */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Validates an update against the stored object (immutable fields), in addition to validate(). */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** How metadata.name is checked; DNS subdomain unless given. */
  nameValidator?: NameValidator;
}

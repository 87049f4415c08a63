// Scheduling constraints of a PodSpec (pkg/apis/core/validation: validateAffinity
// with node affinity, pod affinity and anti-affinity, and
// validateTopologySpreadConstraints), after Kubernetes 1.28.

import type { FieldError, FieldPath } from "@wharf/apimachinery";

/** validateAffinity; `path` is `spec.affinity`. */
export function validateAffinity(_affinity: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** validateTopologySpreadConstraints; `path` is `spec.topologySpreadConstraints`. */
export function validateTopologySpreadConstraints(_constraints: unknown, _path: FieldPath): FieldError[] {
  return [];
}

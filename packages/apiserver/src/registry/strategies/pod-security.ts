// Security and the smaller PodSpec fields (pkg/apis/core/validation:
// validatePodSpecSecurityContext, ValidateSecurityContext, validatePodHostNetworkDeps,
// validateWindowsHostProcessPod, validateHostUsers, validateEphemeralContainers,
// validateImagePullSecrets, validateReadinessGates, ValidateHostAliases,
// runtimeClassName, overhead, validateOS, validateSchedulingGates), after Kubernetes 1.28.

import type { FieldError, FieldPath } from "@wharf/apimachinery";
import type { Obj } from "./util.js";

/** validateEphemeralContainers; `path` is `spec.ephemeralContainers`. */
export function validateEphemeralContainers(_spec: Obj, _volumes: Set<string>, _path: FieldPath): FieldError[] {
  return [];
}

/** validatePodHostNetworkDeps; `specPath` is `spec`. */
export function validatePodHostNetworkDeps(_spec: Obj, _specPath: FieldPath): FieldError[] {
  return [];
}

/** validatePodSpecSecurityContext; `specPath` is `spec`. */
export function validatePodSecurityContext(_spec: Obj, _specPath: FieldPath): FieldError[] {
  return [];
}

/** validateWindowsHostProcessPod then validateHostUsers; `specPath` is `spec`. */
export function validateHostProcessAndUsers(_spec: Obj, _specPath: FieldPath): FieldError[] {
  return [];
}

/** ValidateSecurityContext of one container; `path` is the container's `securityContext`. */
export function validateContainerSecurityContext(_securityContext: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** validateImagePullSecrets; `path` is `spec.imagePullSecrets`. */
export function validateImagePullSecrets(_secrets: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** validateReadinessGates; `path` is `spec.readinessGates`. */
export function validateReadinessGates(_gates: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** ValidateHostAliases; `path` is `spec.hostAliases`. */
export function validateHostAliases(_aliases: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** ValidateRuntimeClassName; `path` is `spec.runtimeClassName`. */
export function validateRuntimeClassName(_name: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** validateOverhead; `path` is `spec.overhead`. */
export function validateOverhead(_overhead: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** validateOS; `path` is `spec.os`. */
export function validateOS(_spec: Obj, _path: FieldPath): FieldError[] {
  return [];
}

/** validateSchedulingGates; `path` is `spec.schedulingGates`. */
export function validateSchedulingGates(_gates: unknown, _path: FieldPath): FieldError[] {
  return [];
}

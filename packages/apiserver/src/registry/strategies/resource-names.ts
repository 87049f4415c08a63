// Resource names as kube's pkg/apis/core/helper classifies them, shared by the
// container resource, LimitRange, ResourceQuota and HPA checks.

import { isQualifiedName } from "@wharf/apimachinery";

const HUGEPAGES_PREFIX = "hugepages-";
const REQUESTS_HUGEPAGES_PREFIX = "requests.hugepages-";
const REQUESTS_PREFIX = "requests.";
const NATIVE_NAMESPACE = "kubernetes.io/";

export const standardContainerResources = new Set(["cpu", "memory", "ephemeral-storage"]);

export const standardQuotaResources = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.storage",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "pods",
  "resourcequotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "persistentvolumeclaims",
  "configmaps",
  "services.nodeports",
  "services.loadbalancers",
]);

/** IsStandardResourceName's set (hugepages are checked by prefix). */
const standardResources = new Set([...standardQuotaResources, "storage"]);

/** Counted objects: their quota must be whole. */
const integerResources = new Set([
  "pods",
  "resourcequotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
]);

export function isHugePages(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX);
}

/** hugepages-* and their quota form requests.hugepages-*. */
export function isQuotaHugePages(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX) || name.startsWith(REQUESTS_HUGEPAGES_PREFIX);
}

/** Unprefixed names and those under kubernetes.io/ are kube's own. */
export function isNativeResource(name: string): boolean {
  return !name.includes("/") || name.includes(NATIVE_NAMESPACE);
}

/** A prefixed name outside kubernetes.io/ whose quota form ("requests.<name>") is a qualified name too. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(REQUESTS_PREFIX)) return false;
  return isQualifiedName(`${REQUESTS_PREFIX}${name}`).length === 0;
}

/** Extended resources (e.g. nvidia.com/gpu) and hugepages may not be overcommitted. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

export function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || isQuotaHugePages(name);
}

export function isStandardQuotaResourceName(name: string): boolean {
  return standardQuotaResources.has(name) || isQuotaHugePages(name);
}

export function isIntegerResourceName(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}

import { define, intFieldAt, scale, status } from "./define.js";

// apps/v1. Every workload kind tracks metadata.generation (its strategy sets
// 1 on create and bumps it on spec changes).

export const controllerrevisions = define("apps", "v1", "ControllerRevision", "controllerrevisions", {
  namespaced: true,
});

export const daemonsets = define("apps", "v1", "DaemonSet", "daemonsets", {
  namespaced: true,
  shortNames: ["ds"],
  categories: ["all"],
  subresources: [status],
  generation: true,
});

export const deployments = define("apps", "v1", "Deployment", "deployments", {
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  subresources: [scale, status],
  generation: true,
});

export const replicasets = define("apps", "v1", "ReplicaSet", "replicasets", {
  namespaced: true,
  shortNames: ["rs"],
  categories: ["all"],
  subresources: [scale, status],
  generation: true,
  fieldSelectors: { "status.replicas": intFieldAt("status.replicas") },
});

export const statefulsets = define("apps", "v1", "StatefulSet", "statefulsets", {
  namespaced: true,
  shortNames: ["sts"],
  categories: ["all"],
  subresources: [scale, status],
  generation: true,
});

export const appsResources = [controllerrevisions, daemonsets, deployments, replicasets, statefulsets];

import type { KindStrategy } from "../strategy.js";
import {
  controllerRevisionStrategy,
  daemonSetStrategy,
  deploymentStrategy,
  replicaSetStrategy,
  statefulSetStrategy,
} from "./apps.js";
import { horizontalPodAutoscalerStrategy } from "./autoscaling.js";
import { cronJobStrategy, jobStrategy } from "./batch.js";
import {
  clusterRoleBindingStrategy,
  clusterRoleStrategy,
  csiStorageCapacityStrategy,
  endpointSliceStrategy,
  eventsV1Strategy,
  ingressStrategy,
  leaseStrategy,
  networkPolicyStrategy,
  podDisruptionBudgetStrategy,
  priorityClassStrategy,
  roleBindingStrategy,
  roleStrategy,
  runtimeClassStrategy,
  storageClassStrategy,
} from "./cluster.js";
import {
  configMapStrategy,
  endpointsStrategy,
  eventStrategy,
  namespaceStrategy,
  nodeStrategy,
  persistentVolumeClaimStrategy,
  persistentVolumeStrategy,
  podTemplateStrategy,
  replicationControllerStrategy,
  secretStrategy,
  serviceAccountStrategy,
} from "./core.js";
import { podStrategy } from "./core-pod.js";
import { limitRangeStrategy, resourceQuotaStrategy } from "./core-quota.js";
import { serviceStrategy } from "./core-service.js";

/** Strategies of the built-in kinds, keyed "group/Kind" ("" group for core: "/Pod"). */
export const builtinStrategies: ReadonlyMap<string, KindStrategy> = new Map<string, KindStrategy>([
  ["/Pod", podStrategy],
  ["/Service", serviceStrategy],
  ["/Namespace", namespaceStrategy],
  ["/ConfigMap", configMapStrategy],
  ["/Secret", secretStrategy],
  ["/ServiceAccount", serviceAccountStrategy],
  ["/Node", nodeStrategy],
  ["/PersistentVolumeClaim", persistentVolumeClaimStrategy],
  ["/PersistentVolume", persistentVolumeStrategy],
  ["/Endpoints", endpointsStrategy],
  ["/Event", eventStrategy],
  ["/PodTemplate", podTemplateStrategy],
  ["/ReplicationController", replicationControllerStrategy],
  ["/LimitRange", limitRangeStrategy],
  ["/ResourceQuota", resourceQuotaStrategy],
  ["apps/Deployment", deploymentStrategy],
  ["apps/ReplicaSet", replicaSetStrategy],
  ["apps/StatefulSet", statefulSetStrategy],
  ["apps/DaemonSet", daemonSetStrategy],
  ["apps/ControllerRevision", controllerRevisionStrategy],
  ["batch/Job", jobStrategy],
  ["batch/CronJob", cronJobStrategy],
  ["coordination.k8s.io/Lease", leaseStrategy],
  ["scheduling.k8s.io/PriorityClass", priorityClassStrategy],
  ["storage.k8s.io/StorageClass", storageClassStrategy],
  ["networking.k8s.io/Ingress", ingressStrategy],
  ["networking.k8s.io/NetworkPolicy", networkPolicyStrategy],
  ["policy/PodDisruptionBudget", podDisruptionBudgetStrategy],
  ["rbac.authorization.k8s.io/Role", roleStrategy],
  ["rbac.authorization.k8s.io/ClusterRole", clusterRoleStrategy],
  ["rbac.authorization.k8s.io/RoleBinding", roleBindingStrategy],
  ["rbac.authorization.k8s.io/ClusterRoleBinding", clusterRoleBindingStrategy],
  ["discovery.k8s.io/EndpointSlice", endpointSliceStrategy],
  ["events.k8s.io/Event", eventsV1Strategy],
  ["autoscaling/HorizontalPodAutoscaler", horizontalPodAutoscalerStrategy],
  ["storage.k8s.io/CSIStorageCapacity", csiStorageCapacityStrategy],
  ["node.k8s.io/RuntimeClass", runtimeClassStrategy],
]);

export function strategyKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

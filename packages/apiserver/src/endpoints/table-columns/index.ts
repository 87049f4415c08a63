// Which printer kube-apiserver 1.28 uses for each built-in kind, by
// "group/Kind" ("core" for the core group). Kinds without an entry get the
// default table: NAME and CREATED AT.

import * as admissionregistration from "./admissionregistration.js";
import * as apiregistration from "./apiregistration.js";
import * as apps from "./apps.js";
import * as autoscaling from "./autoscaling.js";
import * as batch from "./batch.js";
import * as certificates from "./certificates.js";
import * as coordination from "./coordination.js";
import * as core from "./core.js";
import * as discovery from "./discovery.js";
import * as flowcontrol from "./flowcontrol.js";
import * as networking from "./networking.js";
import * as node from "./node.js";
import { at, column, doc, nameOf, type Printer } from "./object.js";
import * as policy from "./policy.js";
import * as rbac from "./rbac.js";
import * as scheduling from "./scheduling.js";
import * as storage from "./storage.js";

export type { ColumnDefinition, Obj, Printer, RowCondition } from "./object.js";

export const printers: Readonly<Record<string, Printer>> = {
  "core/Pod": core.pod,
  "core/PodTemplate": core.podTemplate,
  "core/ReplicationController": core.replicationController,
  "core/Service": core.service,
  "core/Endpoints": core.endpoints,
  "core/Node": core.node,
  "core/Event": core.event,
  "core/Namespace": core.namespace,
  "core/Secret": core.secret,
  "core/ServiceAccount": core.serviceAccount,
  "core/PersistentVolume": core.persistentVolume,
  "core/PersistentVolumeClaim": core.persistentVolumeClaim,
  "core/ComponentStatus": core.componentStatus,
  "core/ConfigMap": core.configMap,
  "core/ResourceQuota": core.resourceQuota,
  "events.k8s.io/Event": core.eventsV1Event,
  "apps/Deployment": apps.deployment,
  "apps/ReplicaSet": apps.replicaSet,
  "apps/StatefulSet": apps.statefulSet,
  "apps/DaemonSet": apps.daemonSet,
  "apps/ControllerRevision": apps.controllerRevision,
  "batch/Job": batch.job,
  "batch/CronJob": batch.cronJob,
  "autoscaling/HorizontalPodAutoscaler": autoscaling.horizontalPodAutoscaler,
  "autoscaling/Scale": autoscaling.scale,
  "networking.k8s.io/Ingress": networking.ingress,
  "networking.k8s.io/IngressClass": networking.ingressClass,
  "networking.k8s.io/NetworkPolicy": networking.networkPolicy,
  "policy/PodDisruptionBudget": policy.podDisruptionBudget,
  "rbac.authorization.k8s.io/RoleBinding": rbac.roleBinding,
  "rbac.authorization.k8s.io/ClusterRoleBinding": rbac.clusterRoleBinding,
  "certificates.k8s.io/CertificateSigningRequest": certificates.certificateSigningRequest,
  "certificates.k8s.io/ClusterTrustBundle": certificates.clusterTrustBundle,
  "coordination.k8s.io/Lease": coordination.lease,
  "scheduling.k8s.io/PriorityClass": scheduling.priorityClass,
  "node.k8s.io/RuntimeClass": node.runtimeClass,
  "storage.k8s.io/StorageClass": storage.storageClass,
  "storage.k8s.io/VolumeAttachment": storage.volumeAttachment,
  "storage.k8s.io/CSINode": storage.csiNode,
  "storage.k8s.io/CSIDriver": storage.csiDriver,
  "storage.k8s.io/CSIStorageCapacity": storage.csiStorageCapacity,
  "discovery.k8s.io/EndpointSlice": discovery.endpointSlice,
  "admissionregistration.k8s.io/MutatingWebhookConfiguration": admissionregistration.mutatingWebhookConfiguration,
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration": admissionregistration.validatingWebhookConfiguration,
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy": admissionregistration.validatingAdmissionPolicy,
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding":
    admissionregistration.validatingAdmissionPolicyBinding,
  "flowcontrol.apiserver.k8s.io/FlowSchema": flowcontrol.flowSchema,
  "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration": flowcontrol.priorityLevelConfiguration,
  "apiregistration.k8s.io/APIService": apiregistration.apiService,
};

/** The key of a kind in `printers`: "core/Pod", "apps/Deployment". */
export function printerKey(group: string, kind: string): string {
  return `${group === "" ? "core" : group}/${kind}`;
}

/** Go's zero time, which is what an object without a creationTimestamp shows. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** The creation time in RFC 3339 at second precision, UTC, as Go's time.RFC3339 writes it. */
function rfc3339(ts: unknown): string {
  if (typeof ts !== "string") return ZERO_TIME;
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return ZERO_TIME;
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** kube's default table for kinds without a printer (Roles, LimitRanges, CRDs…): NAME and CREATED AT. */
export const defaultPrinter: Printer = {
  columns: [
    column("Name", "string", doc("meta/v1.ObjectMeta.name"), { format: "name" }),
    column("Created At", "date", doc("meta/v1.ObjectMeta.creationTimestamp")),
  ],
  cells: (o) => [nameOf(o), rfc3339(at(o, "metadata", "creationTimestamp"))],
};

export function printerFor(group: string, kind: string): Printer | undefined {
  return printers[printerKey(group, kind)];
}

import type { ResourceDefinition } from "../resource-definition.js";
import { admissionregistrationResources } from "./admissionregistration.js";
import { apiextensionsResources } from "./apiextensions.js";
import { apiregistrationResources } from "./apiregistration.js";
import { appsResources } from "./apps.js";
import { authenticationResources } from "./authentication.js";
import { authorizationResources } from "./authorization.js";
import { autoscalingResources } from "./autoscaling.js";
import { batchResources } from "./batch.js";
import { certificatesResources } from "./certificates.js";
import { coordinationResources } from "./coordination.js";
import { coreResources } from "./core.js";
import { discoveryResources } from "./discovery-k8s-io.js";
import { eventsResources } from "./events.js";
import { flowcontrolResources } from "./flowcontrol.js";
import { networkingResources } from "./networking.js";
import { nodeResources } from "./node.js";
import { policyResources } from "./policy.js";
import { rbacResources } from "./rbac.js";
import { schedulingResources } from "./scheduling.js";
import { storageResources } from "./storage.js";

// Every group/version/resource kube-apiserver 1.28 serves by default, one
// file per group.

/**
 * The API groups in the order kube-apiserver 1.28 lists them under /apis
 * (the aggregator's group priorities), each with its versions, preferred first.
 */
export const API_GROUPS: { name: string; versions: string[] }[] = [
  { name: "apiregistration.k8s.io", versions: ["v1"] },
  { name: "apps", versions: ["v1"] },
  { name: "events.k8s.io", versions: ["v1"] },
  { name: "authentication.k8s.io", versions: ["v1"] },
  { name: "authorization.k8s.io", versions: ["v1"] },
  { name: "autoscaling", versions: ["v2", "v1"] },
  { name: "batch", versions: ["v1"] },
  { name: "certificates.k8s.io", versions: ["v1"] },
  { name: "networking.k8s.io", versions: ["v1"] },
  { name: "policy", versions: ["v1"] },
  { name: "rbac.authorization.k8s.io", versions: ["v1"] },
  { name: "storage.k8s.io", versions: ["v1"] },
  { name: "admissionregistration.k8s.io", versions: ["v1"] },
  { name: "apiextensions.k8s.io", versions: ["v1"] },
  { name: "scheduling.k8s.io", versions: ["v1"] },
  { name: "coordination.k8s.io", versions: ["v1"] },
  { name: "node.k8s.io", versions: ["v1"] },
  { name: "discovery.k8s.io", versions: ["v1"] },
  { name: "flowcontrol.apiserver.k8s.io", versions: ["v1beta3", "v1beta2"] },
];

export const allResources: ResourceDefinition[] = [
  ...coreResources,
  ...apiregistrationResources,
  ...appsResources,
  ...eventsResources,
  ...authenticationResources,
  ...authorizationResources,
  ...autoscalingResources,
  ...batchResources,
  ...certificatesResources,
  ...networkingResources,
  ...policyResources,
  ...rbacResources,
  ...storageResources,
  ...admissionregistrationResources,
  ...apiextensionsResources,
  ...schedulingResources,
  ...coordinationResources,
  ...nodeResources,
  ...discoveryResources,
  ...flowcontrolResources,
];

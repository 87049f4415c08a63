import { define, status } from "./define.js";

// flowcontrol.apiserver.k8s.io: 1.28 serves v1beta3 (preferred) and
// v1beta2, one storage for both; the two versions have the same fields for
// what is stored here, so no conversion is needed.

const g = "flowcontrol.apiserver.k8s.io";

const pair = (version: string) => [
  define(g, version, "FlowSchema", "flowschemas", { namespaced: false, subresources: [status], generation: true }),
  define(g, version, "PriorityLevelConfiguration", "prioritylevelconfigurations", {
    namespaced: false,
    subresources: [status],
    generation: true,
  }),
];

export const flowcontrolResources = [...pair("v1beta3"), ...pair("v1beta2")];

import { SYSTEM_PRIORITY_CLASSES } from "../strategies/cluster.js";
import { define } from "./define.js";

// scheduling.k8s.io/v1.

export const priorityclasses = define("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", {
  namespaced: false,
  shortNames: ["pc"],
  // kube's priorityclass REST Delete: the system classes stay.
  deleteForbidden: (name) =>
    Object.hasOwn(SYSTEM_PRIORITY_CLASSES, name) ? "this is a system priority class and cannot be deleted" : undefined,
});

export const schedulingResources = [priorityclasses];

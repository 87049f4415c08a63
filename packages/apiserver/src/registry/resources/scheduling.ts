import { define } from "./define.js";

// scheduling.k8s.io/v1.

export const priorityclasses = define("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", {
  namespaced: false,
  shortNames: ["pc"],
});

export const schedulingResources = [priorityclasses];

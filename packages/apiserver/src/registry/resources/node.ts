import { define } from "./define.js";

// node.k8s.io/v1.

export const runtimeclasses = define("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", { namespaced: false });

export const nodeResources = [runtimeclasses];

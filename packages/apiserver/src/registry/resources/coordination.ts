import { define } from "./define.js";

// coordination.k8s.io/v1.

export const leases = define("coordination.k8s.io", "v1", "Lease", "leases", { namespaced: true });

export const coordinationResources = [leases];

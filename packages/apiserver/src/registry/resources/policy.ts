import { define, status } from "./define.js";

// policy/v1.

export const poddisruptionbudgets = define("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", {
  namespaced: true,
  shortNames: ["pdb"],
  subresources: [status],
  generation: true,
});

export const policyResources = [poddisruptionbudgets];

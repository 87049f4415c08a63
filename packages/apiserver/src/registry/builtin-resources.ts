import { allResources } from "./resources/index.js";

// The built-in resources, one file per API group under resources/; this
// module stays the registry's single entry point.

export { configmaps, namespaces, secrets } from "./resources/core.js";
export { API_GROUPS } from "./resources/index.js";

export const builtinResources = allResources;

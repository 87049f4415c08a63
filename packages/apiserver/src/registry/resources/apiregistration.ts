import { define, status } from "./define.js";

// apiregistration.k8s.io/v1: stored under the group's name, as the
// aggregator keeps them.

export const apiservices = define("apiregistration.k8s.io", "v1", "APIService", "apiservices", {
  namespaced: false,
  categories: ["api-extensions"],
  storagePath: "apiregistration.k8s.io/apiservices",
  subresources: [status],
});

export const apiregistrationResources = [apiservices];

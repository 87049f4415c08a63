import { define } from "./define.js";

// discovery.k8s.io/v1. An EndpointSlice's generation counts every change
// outside metadata, and label changes too (endpointSliceStrategy).

export const endpointslices = define("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", {
  namespaced: true,
  generation: "labels",
});

export const discoveryResources = [endpointslices];

import { define, status } from "./define.js";

// networking.k8s.io/v1. Ingresses live under "ingress" in etcd.

export const ingressclasses = define("networking.k8s.io", "v1", "IngressClass", "ingressclasses", {
  namespaced: false,
  generation: true,
});

export const ingresses = define("networking.k8s.io", "v1", "Ingress", "ingresses", {
  namespaced: true,
  shortNames: ["ing"],
  storagePath: "ingress",
  subresources: [status],
  generation: true,
});

export const networkpolicies = define("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", {
  namespaced: true,
  shortNames: ["netpol"],
  generation: true,
});

export const networkingResources = [ingressclasses, ingresses, networkpolicies];

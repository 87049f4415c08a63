// kube's dropTypeDependentFields (Service PrepareForUpdate, 1.28): when an
// update switches a Service to a type that no longer uses a field the server
// filled in, and the request left that field as it was, the field is wiped
// (and its allocation given back by the allocator).

import { arr, isObj, num, type Obj, objs, same, str } from "./util.js";

function needsClusterIP(spec: Obj): boolean {
  return str(spec.type) !== "ExternalName";
}

function needsNodePort(spec: Obj): boolean {
  return spec.type === "NodePort" || spec.type === "LoadBalancer";
}

/** apiservice.NeedsHealthCheck: a load balancer that keeps traffic on the node. */
export function needsHealthCheck(spec: Obj): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

/** needsExternalTrafficPolicy: only node ports and load balancers take outside traffic by policy. */
export function needsExternalTrafficPolicy(spec: Obj): boolean {
  return spec.type === "LoadBalancer" || spec.type === "NodePort";
}

function nodePorts(spec: Obj): number[] {
  return objs(spec.ports).map((p) => num(p.nodePort) ?? 0);
}

export function dropTypeDependentFields(spec: Obj, oldSpec: Obj, status: Obj | undefined): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (same(arr(oldSpec.clusterIPs), arr(spec.clusterIPs))) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(arr(oldSpec.ipFamilies), arr(spec.ipFamilies))) delete spec.ipFamilies;
    if (same(oldSpec.ipFamilyPolicy, spec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec) && same(nodePorts(oldSpec), nodePorts(spec))) {
    for (const p of objs(spec.ports)) delete p.nodePort;
  }
  if (
    needsHealthCheck(oldSpec) &&
    !needsHealthCheck(spec) &&
    same(oldSpec.healthCheckNodePort, spec.healthCheckNodePort)
  ) {
    delete spec.healthCheckNodePort;
  }
  if (oldSpec.type === "LoadBalancer" && spec.type !== "LoadBalancer") {
    if (
      typeof spec.allocateLoadBalancerNodePorts === "boolean" &&
      spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts
    ) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if (same(oldSpec.loadBalancerClass, spec.loadBalancerClass)) delete spec.loadBalancerClass;
    if (status && isObj(status)) status.loadBalancer = {};
  }
  if (
    needsExternalTrafficPolicy(oldSpec) &&
    !needsExternalTrafficPolicy(spec) &&
    same(oldSpec.externalTrafficPolicy, spec.externalTrafficPolicy)
  ) {
    delete spec.externalTrafficPolicy;
  }
}

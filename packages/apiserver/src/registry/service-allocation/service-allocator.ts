// What kube's service REST storage does with the allocators (storage/alloc.go
// of Kubernetes 1.28): IP families and policy filled in from the cluster's
// ranges, ClusterIPs and NodePorts allocated on create, allocated, kept or
// released on update, released on delete. Allocation happens before the
// object is written; a failed write reverts it, and releases an update
// makes wait until the write succeeded (better a leak the repair finds than
// a value handed out twice).

import {
  type FieldError,
  FieldPath,
  goStringSlice,
  internalError,
  invalid,
  invalidField,
  invalidGoField,
  type StatusError,
} from "@wharf/apimachinery";
import { arr, isObj, num, type Obj, objs, str } from "../strategies/util.js";
import type { KubeObject } from "../strategy.js";
import { type IPFamily, parseIP } from "./cidr.js";
import { IPAllocationError, type IPAllocator } from "./ip-allocator.js";
import { PortAllocationError, type PortAllocator } from "./port-allocator.js";

/** Work done for one write: commit after it succeeded, revert after it failed. */
export interface AllocationTxn {
  commit(): Promise<void>;
  revert(): Promise<void>;
}

const SERVICE = { group: "", kind: "Service" };

function specOf(svc: KubeObject): Obj {
  if (!isObj(svc.spec)) svc.spec = {};
  return svc.spec as Obj;
}

function nameOf(svc: KubeObject): string {
  return svc.metadata?.name ?? "";
}

function invalidService(svc: KubeObject, errors: FieldError[]): StatusError {
  return invalid(SERVICE, nameOf(svc), errors);
}

export function needsNodePorts(spec: Obj): boolean {
  return spec.type === "NodePort" || spec.type === "LoadBalancer";
}

/** kube's apiservice.NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheck(spec: Obj): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

function shouldAllocateNodePorts(spec: Obj): boolean {
  if (spec.type === "NodePort") return true;
  if (spec.type === "LoadBalancer") return spec.allocateLoadBalancerNodePorts !== false;
  return false;
}

function isHeadless(spec: Obj): boolean {
  const ips = arr(spec.clusterIPs);
  return ips.length > 0 && ips[0] === "None";
}

function familyOf(ip: string): IPFamily | "unknown" {
  return parseIP(ip)?.family ?? "unknown";
}

/** Every non-zero nodePort of the service's ports (alloc.go's collectServiceNodePorts). */
export function serviceNodePorts(spec: Obj): number[] {
  return objs(spec.ports)
    .map((p) => num(p.nodePort) ?? 0)
    .filter((p) => p !== 0);
}

function sameStrings(a: unknown, b: unknown): boolean {
  const x = arr(a).map(str);
  const y = arr(b).map(str);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export class ServiceAllocator {
  private readonly byFamily = new Map<IPFamily, IPAllocator>();

  constructor(
    /** One allocator per configured range, the primary (--service-cluster-ip-range's first) first. */
    readonly ips: readonly IPAllocator[],
    readonly nodePorts: PortAllocator,
  ) {
    for (const a of ips) this.byFamily.set(a.family, a);
  }

  get primaryFamily(): IPFamily {
    return this.ips[0]!.family;
  }

  ipAllocator(family: IPFamily): IPAllocator | undefined {
    return this.byFamily.get(family);
  }

  /** kube's initIPFamilyFields: ipFamilyPolicy and ipFamilies from the request, the old object and the cluster. */
  initIPFamilyFields(svc: KubeObject, old: KubeObject | undefined): void {
    const spec = specOf(svc);
    if (spec.type === "ExternalName") return;
    const oldSpec = old && isObj(old.spec) ? (old.spec as Obj) : undefined;
    if (oldSpec && this.matchingPreferDualStack(spec, oldSpec)) return;
    if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
      if (oldSpec && typeof oldSpec.ipFamilyPolicy === "string") spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
      else if (spec.clusterIP === "None" && !hasSelector(spec)) spec.ipFamilyPolicy = "RequireDualStack";
      else spec.ipFamilyPolicy = "SingleStack";
    }
    const errs: FieldError[] = [];
    const policyPath = FieldPath.of("spec", "ipFamilyPolicy");
    const policy = str(spec.ipFamilyPolicy);
    if (oldSpec) {
      if (policy === "SingleStack") {
        if (sameStrings(oldSpec.clusterIPs, spec.clusterIPs) && arr(spec.clusterIPs).length > 1) {
          spec.clusterIPs = arr(spec.clusterIPs).slice(0, 1);
        }
        if (sameStrings(oldSpec.ipFamilies, spec.ipFamilies) && arr(spec.ipFamilies).length > 1) {
          spec.ipFamilies = arr(spec.ipFamilies).slice(0, 1);
        }
      } else {
        const n = arr(spec.clusterIPs).length;
        if (n > 0 && n < arr(oldSpec.clusterIPs).length) {
          errs.push(invalidField(policyPath, policy, "must be 'SingleStack' to release the secondary cluster IP"));
        }
        const f = arr(spec.ipFamilies).length;
        if (f > 0 && f < arr(oldSpec.ipFamilies).length) {
          errs.push(invalidField(policyPath, policy, "must be 'SingleStack' to release the secondary IP family"));
        }
      }
    }
    if (policy === "SingleStack") {
      if (arr(spec.clusterIPs).length === 2) {
        errs.push(
          invalidField(
            policyPath,
            policy,
            "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
          ),
        );
      }
      if (arr(spec.ipFamilies).length === 2) {
        errs.push(
          invalidField(
            policyPath,
            policy,
            "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
          ),
        );
      }
    }
    const clusterIPs = arr(spec.clusterIPs).map(str);
    const families = arr(spec.ipFamilies).map(str);
    for (let i = 0; i < clusterIPs.length; i++) {
      const ip = clusterIPs[i]!;
      if (ip === "None") break;
      if (i >= families.length) {
        const fam = familyOf(ip);
        if (fam === "unknown" || !this.byFamily.has(fam)) {
          errs.push(
            invalidGoField(
              FieldPath.of("spec", "clusterIPs").index(i),
              goStringSlice(clusterIPs),
              `${fam} is not configured on this cluster`,
            ),
          );
        } else families.push(fam);
      }
    }
    spec.ipFamilies = families;
    if (errs.length > 0) throw invalidService(svc, errs);
    const other = (f: string) => (f === "IPv4" ? "IPv6" : "IPv4");
    if (spec.clusterIP === "None" && !hasSelector(spec)) {
      if (families.length === 0) families.push(this.primaryFamily);
      if (families.length < 2 && policy !== "SingleStack") families.push(other(families[0]!));
      return;
    }
    if (policy === "RequireDualStack" && this.ips.length < 2) {
      errs.push(invalidField(policyPath, policy, "this cluster is not configured for dual-stack services"));
    }
    families.forEach((f, i) => {
      if (!this.byFamily.has(f as IPFamily)) {
        errs.push(invalidField(FieldPath.of("spec", "ipFamilies").index(i), f, "not configured on this cluster"));
      }
    });
    if (errs.length > 0) throw invalidService(svc, errs);
    if (families.length === 0) families.push(this.primaryFamily);
    if (policy !== "SingleStack" && families.length === 1 && this.ips.length === 2) families.push(other(families[0]!));
  }

  private matchingPreferDualStack(spec: Obj, oldSpec: Obj): boolean {
    if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) return false;
    if (oldSpec.type !== spec.type) return false;
    if (!["ClusterIP", "NodePort", "LoadBalancer"].includes(str(spec.type))) return false;
    if (spec.ipFamilyPolicy !== "PreferDualStack") return false;
    if (oldSpec.ipFamilyPolicy !== undefined && oldSpec.ipFamilyPolicy !== "PreferDualStack") return false;
    return sameStrings(oldSpec.clusterIPs, spec.clusterIPs) && sameStrings(oldSpec.ipFamilies, spec.ipFamilies);
  }

  /** Allocates the addresses of `families` (their requested IP or a free one); sets clusterIPs/clusterIP. */
  private async allocClusterIPs(
    svc: KubeObject,
    families: readonly IPFamily[],
    indexes: readonly number[],
    dryRun: boolean,
  ): Promise<Map<IPFamily, string>> {
    const spec = specOf(svc);
    const clusterIPs = arr(spec.clusterIPs).map(str);
    while (clusterIPs.length < Math.max(...indexes, -1) + 1) clusterIPs.push("");
    spec.clusterIPs = clusterIPs;
    const allocated = new Map<IPFamily, string>();
    try {
      for (let k = 0; k < families.length; k++) {
        const family = families[k]!;
        const i = indexes[k]!;
        const requested = clusterIPs[i]!;
        const alloc = this.byFamily.get(family)!;
        try {
          allocated.set(family, await alloc.allocate(requested, dryRun));
        } catch (e) {
          if (!(e instanceof IPAllocationError)) throw e;
          if (requested === "") throw internalError(`failed to allocate a serviceIP: ${e.message}`);
          throw invalidService(svc, [
            invalidGoField(
              FieldPath.of("spec", "clusterIPs"),
              goStringSlice(clusterIPs),
              `failed to allocate IP ${requested}: ${e.message}`,
            ),
          ]);
        }
      }
    } catch (e) {
      if (!dryRun) await this.releaseIPs(allocated);
      throw e;
    }
    for (let k = 0; k < families.length; k++) {
      const ip = allocated.get(families[k]!)!;
      clusterIPs[indexes[k]!] = ip;
      if (indexes[k] === 0) spec.clusterIP = ip;
    }
    return allocated;
  }

  private async releaseIPs(ips: Map<IPFamily, string>): Promise<void> {
    for (const [family, ip] of ips) await this.byFamily.get(family)?.release([ip]);
  }

  /** All of the service's addresses, for every family: alloc.go's allocClusterIPs. */
  private async allocAllClusterIPs(svc: KubeObject, dryRun: boolean): Promise<Map<IPFamily, string>> {
    const spec = specOf(svc);
    if (spec.type === "ExternalName" || isHeadless(spec)) return new Map();
    const families = arr(spec.ipFamilies).map(str) as IPFamily[];
    return this.allocClusterIPs(
      svc,
      families,
      families.map((_, i) => i),
      dryRun,
    );
  }

  /** kube's allocateCreate: families, addresses, node ports and the health check port of a new service. */
  async allocateCreate(svc: KubeObject, dryRun: boolean): Promise<AllocationTxn> {
    this.initIPFamilyFields(svc, undefined);
    const ips = await this.allocAllClusterIPs(svc, dryRun);
    let ports: number[];
    try {
      ports = await this.allocNodePortsForCreate(svc, dryRun);
    } catch (e) {
      if (!dryRun) await this.releaseIPs(ips);
      throw e;
    }
    return {
      commit: async () => {},
      revert: async () => {
        if (dryRun) return;
        await this.releaseIPs(ips);
        await this.nodePorts.release(ports);
      },
    };
  }

  /**
   * Allocates the requested node ports (`specific`: of ports[specificAt[k]],
   * the health check port last) and a free one for each ports[nextAt[k]] and
   * for the health check when `hc` is 0; kube's errors name the port.
   */
  private async allocateNodePorts(
    svc: KubeObject,
    ports: Record<string, unknown>[],
    specific: number[],
    specificAt: number[],
    nextAt: number[],
    hc: number | undefined,
    dryRun: boolean,
  ): Promise<number[]> {
    const nextCount = nextAt.length + (hc === 0 ? 1 : 0);
    let got: number[];
    try {
      got = await this.nodePorts.allocate(specific, nextCount, dryRun);
    } catch (e) {
      if (!(e instanceof PortAllocationError)) throw e;
      if (e.code === "Full" || e.code === "MismatchedRange") {
        if (nextAt.length > 0) throw internalError(`failed to allocate a nodePort: ${e.message}`);
        throw internalError(`failed to allocate a HealthCheck NodePort 0: ${e.message}`);
      }
      if (e.index >= specificAt.length) {
        throw internalError(`failed to allocate requested HealthCheck NodePort ${hc}: ${e.message}`);
      }
      const i = specificAt[e.index]!;
      throw invalidService(svc, [
        invalidField(FieldPath.of("spec", "ports").index(i).child("nodePort"), specific[e.index], e.message),
      ]);
    }
    nextAt.forEach((i, k) => {
      ports[i]!.nodePort = got[k];
    });
    if (hc === 0) specOf(svc).healthCheckNodePort = got[nextAt.length];
    return got;
  }

  /** initNodePorts and allocHealthCheckNodePort in one change; returns the ports it allocated. */
  private async allocNodePortsForCreate(svc: KubeObject, dryRun: boolean): Promise<number[]> {
    const spec = specOf(svc);
    const ports = objs(spec.ports);
    const specific: number[] = [];
    const specificAt: number[] = [];
    const byServicePort = new Map<number, number | "next">();
    const nextAt: number[] = [];
    const sameAs: Array<[number, number]> = [];
    if (needsNodePorts(spec)) {
      ports.forEach((p, i) => {
        const nodePort = num(p.nodePort) ?? 0;
        if (nodePort === 0 && !shouldAllocateNodePorts(spec)) return;
        const port = num(p.port) ?? 0;
        const seen = byServicePort.get(port);
        if (seen === undefined) {
          const requested = ports.find((q) => q.port === port && (num(q.nodePort) ?? 0) !== 0);
          const np = requested ? num(requested.nodePort)! : 0;
          if (np !== 0) {
            specific.push(np);
            specificAt.push(i);
            p.nodePort = np;
            byServicePort.set(port, np);
          } else {
            nextAt.push(i);
            byServicePort.set(port, "next");
          }
        } else if (nodePort !== seen) {
          if (nodePort === 0) sameAs.push([i, ports.findIndex((q) => q.port === port)]);
          else {
            specific.push(nodePort);
            specificAt.push(i);
          }
        }
      });
    }
    const hc = needsHealthCheck(spec) ? (num(spec.healthCheckNodePort) ?? 0) : undefined;
    if (hc !== undefined && hc !== 0) specific.push(hc);
    const got = await this.allocateNodePorts(svc, ports, specific, specificAt, nextAt, hc, dryRun);
    for (const [i, first] of sameAs) ports[i]!.nodePort = ports[first]!.nodePort;
    return [...specific, ...got];
  }

  /** kube's allocateUpdate: what an update adds, keeps and gives back. */
  async allocateUpdate(svc: KubeObject, old: KubeObject, dryRun: boolean): Promise<AllocationTxn> {
    this.initIPFamilyFields(svc, old);
    const spec = specOf(svc);
    const oldSpec = isObj(old.spec) ? (old.spec as Obj) : {};
    const ipsAllocated = new Map<IPFamily, string>();
    const ipsToRelease = new Map<IPFamily, string>();
    if (!this.matchingPreferDualStack(spec, oldSpec)) {
      const newFamilies = arr(spec.ipFamilies).map(str) as IPFamily[];
      const oldFamilies = arr(oldSpec.ipFamilies).map(str) as IPFamily[];
      if (oldSpec.type === "ExternalName" && spec.type !== "ExternalName") {
        for (const [f, ip] of await this.allocAllClusterIPs(svc, dryRun)) ipsAllocated.set(f, ip);
      } else if (isHeadless(oldSpec)) {
        // headless services have no addresses to manage
      } else if (oldSpec.type !== "ExternalName" && spec.type === "ExternalName") {
        const oldIPs = arr(oldSpec.clusterIPs).map(str);
        oldFamilies.forEach((f, i) => {
          if (oldIPs[i]) ipsToRelease.set(f, oldIPs[i]!);
        });
      } else if (oldFamilies.length === 1 && newFamilies.length === 2) {
        for (const [f, ip] of await this.allocClusterIPs(svc, [newFamilies[1]!], [1], dryRun)) ipsAllocated.set(f, ip);
      } else if (oldFamilies.length === 2 && newFamilies.length === 1) {
        const oldIPs = arr(oldSpec.clusterIPs).map(str);
        if (oldIPs[1]) ipsToRelease.set(oldFamilies[1]!, oldIPs[1]!);
      }
    }
    let ports: { allocated: number[]; release: number[] };
    try {
      ports = await this.updateNodePorts(svc, spec, oldSpec, dryRun);
    } catch (e) {
      if (!dryRun) await this.releaseIPs(ipsAllocated);
      throw e;
    }
    return {
      commit: async () => {
        if (dryRun) return;
        await this.releaseIPs(ipsToRelease);
        await this.nodePorts.release(ports.release);
      },
      revert: async () => {
        if (dryRun) return;
        await this.releaseIPs(ipsAllocated);
        await this.nodePorts.release(ports.allocated);
      },
    };
  }

  /** txnUpdateNodePorts: node ports and the health check port of an update, in one change. */
  private async updateNodePorts(
    svc: KubeObject,
    spec: Obj,
    oldSpec: Obj,
    dryRun: boolean,
  ): Promise<{ allocated: number[]; release: number[] }> {
    const release: number[] = [];
    if (needsNodePorts(oldSpec) && (spec.type === "ExternalName" || spec.type === "ClusterIP")) {
      release.push(...serviceNodePorts(oldSpec));
    }
    const specific: number[] = [];
    const specificAt: number[] = [];
    const nextAt: number[] = [];
    const ports = objs(spec.ports);
    if (needsNodePorts(spec)) {
      const oldNodePorts = serviceNodePorts(oldSpec);
      ports.forEach((p, i) => {
        const nodePort = num(p.nodePort) ?? 0;
        if (nodePort === 0 && !shouldAllocateNodePorts(spec)) return;
        if (nodePort !== 0) {
          if (!oldNodePorts.includes(nodePort) && !specific.includes(nodePort)) {
            specific.push(nodePort);
            specificAt.push(i);
          }
        } else nextAt.push(i);
      });
    }
    const neededHC = needsHealthCheck(oldSpec);
    const needsHC = needsHealthCheck(spec);
    const hc = !neededHC && needsHC ? (num(spec.healthCheckNodePort) ?? 0) : undefined;
    if (hc !== undefined && hc !== 0) specific.push(hc);
    const got = await this.allocateNodePorts(svc, ports, specific, specificAt, nextAt, hc, dryRun);
    if (needsNodePorts(spec)) {
      const kept = serviceNodePorts(spec);
      for (const p of serviceNodePorts(oldSpec)) if (!kept.includes(p) && !release.includes(p)) release.push(p);
    }
    if (neededHC && !needsHC) {
      const oldHC = num(oldSpec.healthCheckNodePort) ?? 0;
      if (oldHC !== 0) release.push(oldHC);
    }
    return { allocated: [...specific, ...got], release };
  }

  /** releaseAllocatedResources: what a deleted service held. */
  async releaseAll(svc: KubeObject): Promise<void> {
    const spec = isObj(svc.spec) ? (svc.spec as Obj) : {};
    if (spec.type !== "ExternalName" && !isHeadless(spec)) {
      const byFamily = new Map<IPFamily, string>();
      for (const ip of arr(spec.clusterIPs).map(str)) {
        const f = familyOf(ip);
        if (f !== "unknown") byFamily.set(f, ip);
      }
      await this.releaseIPs(byFamily);
    }
    const ports = serviceNodePorts(spec);
    if (needsHealthCheck(spec) && (num(spec.healthCheckNodePort) ?? 0) > 0) ports.push(num(spec.healthCheckNodePort)!);
    await this.nodePorts.release(ports);
  }
}

function hasSelector(spec: Obj): boolean {
  return isObj(spec.selector) && Object.keys(spec.selector).length > 0;
}

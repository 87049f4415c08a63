// kube's repair controllers for service IPs and node ports: rebuild each
// range's bitmap from the stored services and write it back with a
// compare-and-swap on the snapshot it started from. Values set in the
// bitmap that no service holds are kept for two more runs before they are
// freed (numRepairsBeforeLeakCleanup = 3), so an allocation whose service is
// still being written by another apiserver is never taken away.

import { arr, isObj, num, type Obj, objs, str } from "../strategies/util.js";
import type { KubeObject } from "../strategy.js";
import { AllocationBitmap } from "./allocation-bitmap.js";
import type { RangeAllocationStore } from "./allocation-store.js";
import { parseIP } from "./cidr.js";
import type { IPAllocator } from "./ip-allocator.js";
import type { PortAllocator } from "./port-allocator.js";
import type { ServiceAllocator } from "./service-allocator.js";

const REPAIRS_BEFORE_LEAK_CLEANUP = 3;
const MAX_ATTEMPTS = 10;

export interface RepairLog {
  warn(obj: object, msg: string): void;
}

function specOf(svc: KubeObject): Obj {
  return isObj(svc.spec) ? (svc.spec as Obj) : {};
}

function svcName(svc: KubeObject): string {
  return `${svc.metadata?.namespace ?? ""}/${svc.metadata?.name ?? ""}`;
}

/** The IPs of a service with addresses (not headless, not ExternalName). */
function serviceIPs(svc: KubeObject): string[] {
  const spec = specOf(svc);
  const ip = str(spec.clusterIP);
  if (ip === "" || ip === "None") return [];
  const ips = arr(spec.clusterIPs).map(str);
  return ips.length > 0 ? ips : [ip];
}

/** The repair controller's collectServiceNodePorts: each node port once per protocol, and the health check port. */
function repairNodePorts(svc: KubeObject): number[] {
  const spec = specOf(svc);
  const out: number[] = [];
  const seen = new Map<number, Set<string>>();
  for (const p of objs(spec.ports)) {
    const np = num(p.nodePort) ?? 0;
    if (np === 0) continue;
    const proto = str(p.protocol);
    const s = seen.get(np);
    if (!s) {
      seen.set(np, new Set([proto]));
      out.push(np);
    } else if (s.has(proto)) out.push(np);
    else s.add(proto);
  }
  const hc = num(spec.healthCheckNodePort) ?? 0;
  if (hc !== 0) {
    const s = seen.get(hc);
    if (!s || s.has("TCP")) out.push(hc);
  }
  return out;
}

export class AllocationRepair {
  /** Per range key: how many more runs a leaked offset is kept. */
  private readonly leaks = new Map<string, Map<number, number>>();

  constructor(
    private readonly allocator: ServiceAllocator,
    /** Every service, read consistently from storage. */
    private readonly listServices: () => Promise<KubeObject[]>,
    private readonly log?: RepairLog,
  ) {}

  /** One pass over every range. */
  async runOnce(): Promise<void> {
    for (const ips of this.allocator.ips)
      await this.repairRange(ips.store, (svcs, keep) => this.ipValues(ips, svcs, keep));
    const ports = this.allocator.nodePorts;
    await this.repairRange(ports.store, (svcs, keep) => this.portValues(ports, svcs, keep));
  }

  private ipValues(alloc: IPAllocator, svcs: KubeObject[], keep: (offset: number, what: string) => void): void {
    for (const svc of svcs) {
      for (const ip of serviceIPs(svc)) {
        const parsed = parseIP(ip);
        if (!parsed || parsed.family !== alloc.family) continue;
        const offset = alloc.range.offsetOf(parsed);
        if (offset === undefined) {
          this.log?.warn(
            { service: svcName(svc), ip, range: alloc.range.text },
            "cluster IP is not within the service CIDR; please recreate the service",
          );
          continue;
        }
        keep(offset, `cluster IP ${ip} of service ${svcName(svc)}`);
      }
    }
  }

  private portValues(alloc: PortAllocator, svcs: KubeObject[], keep: (offset: number, what: string) => void): void {
    for (const svc of svcs) {
      for (const port of repairNodePorts(svc)) {
        if (!alloc.contains(port)) {
          this.log?.warn(
            { service: svcName(svc), port, range: alloc.text },
            "node port is not within the port range; please recreate the service",
          );
          continue;
        }
        keep(port - alloc.range.base, `node port ${port} of service ${svcName(svc)}`);
      }
    }
  }

  private async repairRange(
    store: RangeAllocationStore,
    collect: (svcs: KubeObject[], keep: (offset: number, what: string) => void) => void,
  ): Promise<void> {
    const { max, offset, range } = store.layout;
    const leaks = this.leaks.get(store.key) ?? new Map<number, number>();
    this.leaks.set(store.key, leaks);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const written = await store.replace(async (seen) => {
        // A snapshot of another range (the flag changed) counts as empty: the services say what is in use.
        const stored = AllocationBitmap.restore(max, offset, seen?.object.range === range ? seen.object.data : "");
        const rebuilt = new AllocationBitmap(max, offset);
        const svcs = await this.listServices();
        collect(svcs, (o, what) => {
          if (!rebuilt.allocate(o)) {
            this.log?.warn({ range }, `${what} was assigned to multiple services; please recreate the service`);
            return;
          }
          if (stored.has(o)) stored.release(o);
          else if (seen) this.log?.warn({ range }, `${what} is not allocated; repairing`);
          leaks.delete(o);
        });
        stored.forEach((o) => {
          const count = leaks.get(o) ?? REPAIRS_BEFORE_LEAK_CLEANUP - 1;
          if (count > 0) {
            leaks.set(o, count - 1);
            rebuilt.allocate(o);
          } else {
            leaks.delete(o);
            this.log?.warn({ range, offset: o }, "allocation appears to have leaked: cleaning up");
          }
        });
        return rebuilt;
      });
      if (written) return;
    }
    throw new Error(`repairing ${store.key}: it kept changing`);
  }
}

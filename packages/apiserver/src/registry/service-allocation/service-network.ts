// The apiserver's service network flags, read as kube-apiserver reads them:
// --service-cluster-ip-range (one CIDR, or an IPv4 and an IPv6 one),
// --service-node-port-range and --advertise-address, and the allocators
// and repair they configure.

import { networkInterfaces } from "node:os";
import type { Storage } from "../../storage/storage.js";
import { type CIDR, formatIP, type IPFamily, parseCIDR, parseIP } from "./cidr.js";
import { IPAllocator, IPRange } from "./ip-allocator.js";
import { PortAllocator, parsePortRange } from "./port-allocator.js";
import { ServiceAllocator } from "./service-allocator.js";

/** kube's defaults. */
export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24";
export const DEFAULT_SERVICE_NODE_PORT_RANGE = "30000-32767";

/** kube-apiserver refuses service CIDRs with more than 2^20 addresses. */
const MAX_CIDR_BITS = 20;

function checkSize(c: CIDR, field: string): void {
  if (c.bits - c.prefix > MAX_CIDR_BITS) {
    throw new Error(
      `specified ${field} is too large; for ${c.bits}-bit addresses, the mask must be >= ${c.bits - MAX_CIDR_BITS}`,
    );
  }
}

/** Parses --service-cluster-ip-range: "10.0.0.0/24", "fd00::/108", or a dual-stack pair "v4,v6" / "v6,v4". */
export function parseServiceClusterIPRange(value: string): CIDR[] {
  const entries = value.split(",").map((s) => s.trim());
  if (entries.length > 2) throw new Error("--service-cluster-ip-range must not contain more than two entries");
  const cidrs = entries.map((s, i) => {
    const c = parseCIDR(s);
    if (!c) throw new Error(`--service-cluster-ip-range[${i}] is not a valid cidr: "${s}"`);
    return c;
  });
  if (cidrs.length === 0) throw new Error("--service-cluster-ip-range must contain at least one valid cidr");
  checkSize(cidrs[0]!, "--service-cluster-ip-range");
  if (cidrs.length === 2) {
    if (cidrs[0]!.family === cidrs[1]!.family) {
      throw new Error("--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family");
    }
    checkSize(cidrs[1]!, "--service-cluster-ip-range[1]");
  }
  return cidrs;
}

/**
 * --advertise-address's default: the bind address, or for a wildcard bind
 * address the first non-loopback address of the host (IPv4 first), as kube
 * picks the host's address; 127.0.0.1 when the host has none.
 */
export function defaultAdvertiseAddress(bindAddress: string): string {
  if (bindAddress !== "0.0.0.0" && bindAddress !== "::" && bindAddress !== "") return bindAddress;
  const addrs = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal);
  const v4 = addrs.find((a) => a!.family === "IPv4");
  const v6 = addrs.find((a) => a!.family === "IPv6" && !a!.address.startsWith("fe80"));
  return (v4 ?? v6)?.address ?? "127.0.0.1";
}

export interface ServiceNetwork {
  allocator: ServiceAllocator;
  /** The `kubernetes` Service's address: the first of the primary range. */
  kubernetesClusterIP: string;
  advertiseAddress: string;
  advertiseFamily: IPFamily;
}

export interface ServiceNetworkOptions {
  serviceClusterIPRange?: string;
  serviceNodePortRange?: string;
  advertiseAddress?: string;
  bindAddress: string;
}

/** The allocators over `storage` under `prefix` (kube's /registry/ranges/… keys). */
export function serviceNetwork(storage: Storage, prefix: string, o: ServiceNetworkOptions): ServiceNetwork {
  const cidrs = parseServiceClusterIPRange(o.serviceClusterIPRange || DEFAULT_SERVICE_CLUSTER_IP_RANGE);
  let ports: ReturnType<typeof parsePortRange>;
  try {
    ports = parsePortRange(o.serviceNodePortRange || DEFAULT_SERVICE_NODE_PORT_RANGE);
  } catch (e) {
    throw new Error(`invalid --service-node-port-range: ${(e as Error).message}`);
  }
  if (ports.size === 0) throw new Error("--service-node-port-range must not be empty");
  const keys = [`${prefix}/ranges/serviceips`, `${prefix}/ranges/secondaryserviceips`];
  const ips = cidrs.map((c, i) => new IPAllocator(storage, keys[i]!, new IPRange(c)));
  const allocator = new ServiceAllocator(ips, new PortAllocator(storage, `${prefix}/ranges/servicenodeports`, ports));
  const advertise = o.advertiseAddress || defaultAdvertiseAddress(o.bindAddress);
  const parsed = parseIP(advertise);
  if (!parsed) throw new Error(`invalid --advertise-address: "${advertise}" is not an IP address`);
  return {
    allocator,
    kubernetesClusterIP: ips[0]!.range.firstIP(),
    advertiseAddress: formatIP(parsed),
    advertiseFamily: parsed.family,
  };
}

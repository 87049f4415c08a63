// kube's service IP allocator (ipallocator.Range) over one CIDR: offset i is
// address network+1+i; the network address, and for IPv4 the broadcast
// address, are never handed out; IPv6 ranges are capped at 65536 addresses.
// The first address (offset 0) is the `kubernetes` Service's and is never
// picked at random.

import type { Storage } from "../../storage/storage.js";
import { RangeAllocationStore, RangeChangeError } from "./allocation-store.js";
import { type CIDR, cidrContains, cidrSize, formatCIDR, formatIP, type IP, type IPFamily, parseIP } from "./cidr.js";

/** An allocation failure with kube's text (ipallocator's errors). */
export class IPAllocationError extends Error {
  constructor(
    readonly code: "NotInRange" | "Allocated" | "Full" | "MismatchedRange",
    message: string,
  ) {
    super(message);
  }
}

/** kube's calculateRangeOffset for service CIDRs: min(max(16, size/16), 256), 0 for ranges of 16 or fewer. */
export function ipRangeOffset(cidr: CIDR): number {
  const size = cidrSize(cidr);
  if (size <= 16n) return 0;
  const offset = size / 16n;
  return Number(offset < 16n ? 16n : offset > 256n ? 256n : offset);
}

export class IPRange {
  readonly family: IPFamily;
  /** network + 1: the address at offset 0. */
  readonly base: bigint;
  readonly max: number;
  readonly text: string;

  constructor(readonly cidr: CIDR) {
    this.family = cidr.family;
    const size = cidrSize(cidr);
    let max = cidr.family === "IPv6" ? (size > 65536n ? 65536 : Number(size)) : Number(size) - 1;
    max -= 1;
    this.max = Math.max(0, max);
    this.base = cidr.network + 1n;
    this.text = formatCIDR(cidr);
  }

  /** The offset of `ip`, or undefined when it is not one this range hands out. */
  offsetOf(ip: IP): number | undefined {
    if (!cidrContains(this.cidr, ip)) return undefined;
    const offset = ip.value - this.base;
    return offset < 0n || offset >= BigInt(this.max) ? undefined : Number(offset);
  }

  ipAt(offset: number): string {
    return formatIP({ family: this.family, value: this.base + BigInt(offset) });
  }

  /** The address of the `kubernetes` Service: the first one of the range. */
  firstIP(): string {
    return this.ipAt(0);
  }

  notInRange(ip: string): IPAllocationError {
    return new IPAllocationError(
      "NotInRange",
      `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.text}`,
    );
  }
}

/** One family's service IPs, kept in etcd under `key`. */
export class IPAllocator {
  readonly store: RangeAllocationStore;

  constructor(
    storage: Storage,
    key: string,
    readonly range: IPRange,
  ) {
    this.store = new RangeAllocationStore(storage, key, {
      range: range.text,
      max: range.max,
      offset: ipRangeOffset(range.cidr),
      skip: new Set([0]),
    });
  }

  get family(): IPFamily {
    return this.range.family;
  }

  /**
   * Allocates `ip`, or a free address when it is "". A dry run checks the
   * range only and answers the network address for a free one, as kube's
   * dry-run allocator does.
   */
  async allocate(ip: string, dryRun: boolean): Promise<string> {
    if (ip === "") {
      if (dryRun) return formatIP({ family: this.family, value: this.range.cidr.network });
      try {
        const [offset] = await this.store.change({ next: 1 });
        return this.range.ipAt(offset!);
      } catch (e) {
        throw mapError(e);
      }
    }
    const parsed = parseIP(ip);
    const offset = parsed && this.range.offsetOf(parsed);
    if (offset === undefined) throw this.range.notInRange(ip);
    if (dryRun) return ip;
    try {
      await this.store.change({ specific: [offset] });
    } catch (e) {
      throw mapError(e);
    }
    return ip;
  }

  /** Gives addresses back; ones outside the range are ignored. */
  async release(ips: readonly string[]): Promise<void> {
    const offsets = ips
      .map((ip) => parseIP(ip))
      .map((p) => (p ? this.range.offsetOf(p) : undefined))
      .filter((o): o is number => o !== undefined);
    if (offsets.length > 0) await this.store.change({ release: offsets });
  }
}

function mapError(e: unknown): unknown {
  if (!(e instanceof RangeChangeError)) return e;
  if (e.code === "Allocated") return new IPAllocationError("Allocated", "provided IP is already allocated");
  if (e.code === "Full") return new IPAllocationError("Full", "range is full");
  return new IPAllocationError("MismatchedRange", "the provided network does not match the current range");
}

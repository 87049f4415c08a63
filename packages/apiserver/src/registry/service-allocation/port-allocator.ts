// kube's service node port allocator (portallocator.PortAllocator) over a
// port range such as 30000-32767, and the range's flag syntax.

import type { Storage } from "../../storage/storage.js";
import type { AllocationBitmap } from "./allocation-bitmap.js";
import { RangeAllocationStore, RangeChangeError } from "./allocation-store.js";

export interface PortRange {
  base: number;
  size: number;
}

/** Go's strconv.Atoi as kube's PortRange.Set meets it: an optional sign and decimal digits. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** kube's PortRange.Set: "30000-32767", "30000+2767" (base plus offset) or a single port. */
export function parsePortRange(value: string): PortRange {
  const v = value.trim();
  if (v === "") return { base: 0, size: 0 };
  const hyphen = v.indexOf("-");
  const plus = v.indexOf("+");
  let low: number;
  let high: number;
  if (hyphen < 0 && plus < 0) {
    low = atoi(v);
    high = low;
  } else if (hyphen >= 0 && plus < 0) {
    low = atoi(v.slice(0, hyphen));
    high = atoi(v.slice(hyphen + 1));
  } else if (plus >= 0 && hyphen < 0) {
    low = atoi(v.slice(0, plus));
    high = low + atoi(v.slice(plus + 1));
  } else {
    throw new Error(`unable to parse port range: ${v}`);
  }
  if (low > 65535 || high > 65535) throw new Error(`the port range cannot be greater than 65535: ${v}`);
  if (high < low) throw new Error(`end port cannot be less than start port: ${v}`);
  return { base: low, size: 1 + high - low };
}

/** PortRange.String(): "30000-32767". */
export function formatPortRange(r: PortRange): string {
  return r.size === 0 ? "" : `${r.base}-${r.base + r.size - 1}`;
}

/** kube's calculateRangeOffset for node ports: min(max(16, size/32), 128), 0 for ranges of 16 or fewer. */
export function portRangeOffset(r: PortRange): number {
  if (r.size <= 16) return 0;
  const offset = Math.floor(r.size / 32);
  return Math.min(Math.max(offset, 16), 128);
}

/** An allocation failure with kube's text (portallocator's errors); `index` is the failing request's. */
export class PortAllocationError extends Error {
  constructor(
    readonly code: "NotInRange" | "Allocated" | "Full" | "MismatchedRange",
    message: string,
    readonly index = -1,
  ) {
    super(message);
  }
}

export class PortAllocator {
  readonly store: RangeAllocationStore;
  readonly text: string;

  constructor(
    storage: Storage,
    key: string,
    readonly range: PortRange,
  ) {
    this.text = formatPortRange(range);
    this.store = new RangeAllocationStore(storage, key, {
      range: this.text,
      max: range.size,
      offset: portRangeOffset(range),
    });
  }

  contains(port: number): boolean {
    return port >= this.range.base && port - this.range.base < this.range.size;
  }

  notInRange(index = -1): PortAllocationError {
    return new PortAllocationError(
      "NotInRange",
      `provided port is not in the valid range. The range of valid ports is ${this.text}`,
      index,
    );
  }

  /**
   * Allocates, in one change, the ports asked for by value and `next` free
   * ones; returns the free ones. A dry run only checks the ports asked for
   * against what is allocated and makes up the free ones from 32769 up, as
   * kube's dry-run port operation does.
   */
  async allocate(specific: readonly number[], next: number, dryRun: boolean): Promise<number[]> {
    if (dryRun) {
      const stored = await this.readQuietly();
      const taken = new Set<number>();
      specific.forEach((p, i) => {
        if ((this.contains(p) && stored?.has(p - this.range.base)) || taken.has(p)) {
          throw new PortAllocationError("Allocated", "provided port is already allocated", i);
        }
        taken.add(p);
      });
      const out: number[] = [];
      let last = taken.size === 0 ? 32768 : Math.max(...taken);
      for (let k = 0; k < next; k++) out.push(++last);
      return out;
    }
    specific.forEach((p, i) => {
      if (!this.contains(p)) throw this.notInRange(i);
    });
    try {
      const offsets = await this.store.change({ specific: specific.map((p) => p - this.range.base), next });
      return offsets.map((o) => o + this.range.base);
    } catch (e) {
      if (!(e instanceof RangeChangeError)) throw e;
      if (e.code === "Allocated")
        throw new PortAllocationError("Allocated", "provided port is already allocated", e.index);
      if (e.code === "Full") throw new PortAllocationError("Full", "range is full");
      throw new PortAllocationError("MismatchedRange", "the provided port range does not match the current port range");
    }
  }

  private async readQuietly(): Promise<AllocationBitmap | undefined> {
    try {
      return await this.store.read();
    } catch {
      return undefined;
    }
  }

  /** Gives ports back; ones outside the range are ignored. */
  async release(ports: readonly number[]): Promise<void> {
    const offsets = ports.filter((p) => this.contains(p)).map((p) => p - this.range.base);
    if (offsets.length > 0) await this.store.change({ release: offsets });
  }
}

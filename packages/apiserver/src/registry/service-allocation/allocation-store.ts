// A range's allocations kept in etcd, as kube-apiserver keeps them: one
// RangeAllocation object per range (/registry/ranges/serviceips,
// /registry/ranges/servicenodeports) holding the range and its bitmap. Every
// change is a compare-and-swap on that key, so any number of apiservers on
// one etcd never hand out the same value twice.

import type { Storage, Versioned } from "../../storage/storage.js";
import { AllocationBitmap } from "./allocation-bitmap.js";

/** The stored object, as kube writes it (api.RangeAllocation). */
export interface RangeAllocation {
  kind: "RangeAllocation";
  apiVersion: "v1";
  metadata: { creationTimestamp: string | null; resourceVersion?: string };
  range: string;
  data: string;
}

/** Why a change could not be made: which requested offset was taken, or no free one was left. */
export class RangeChangeError extends Error {
  constructor(
    readonly code: "Allocated" | "Full" | "MismatchedRange",
    /** For "Allocated": the index in `specific` of the offset already taken. */
    readonly index = -1,
  ) {
    super(code);
  }
}

export interface RangeChange {
  /** Offsets to allocate by value, in order. */
  specific?: readonly number[];
  /** How many offsets to allocate from the free ones. */
  next?: number;
  /** Offsets to give back. */
  release?: readonly number[];
}

export interface RangeLayout {
  /** kube's RangeAllocation.range: "10.0.0.0/24", "30000-32767". */
  range: string;
  /** Offsets in the range. */
  max: number;
  /** The low band dynamic allocation leaves for requests by value (kube's calculateRangeOffset). */
  offset: number;
  /** Offsets never handed out dynamically (the `kubernetes` Service's address). */
  skip?: ReadonlySet<number>;
}

export class RangeAllocationStore {
  /** Local changes go one at a time: they would only race each other's compare-and-swap. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    /** The etcd key, e.g. /registry/ranges/serviceips. */
    readonly key: string,
    readonly layout: RangeLayout,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private bitmapOf(stored: RangeAllocation | undefined): AllocationBitmap {
    const { max, offset, range } = this.layout;
    if (stored && stored.range !== range) throw new RangeChangeError("MismatchedRange");
    return AllocationBitmap.restore(max, offset, stored?.data);
  }

  private encode(bitmap: AllocationBitmap, current: RangeAllocation | undefined): RangeAllocation {
    return {
      kind: "RangeAllocation",
      apiVersion: "v1",
      metadata: { creationTimestamp: current?.metadata?.creationTimestamp ?? null },
      range: this.layout.range,
      data: bitmap.snapshot(),
    };
  }

  /** The stored allocations (an empty bitmap when none are stored yet). */
  async read(): Promise<AllocationBitmap> {
    return this.bitmapOf((await this.storage.get<RangeAllocation>(this.key))?.object);
  }

  /**
   * Applies one change atomically: releases first, then the offsets asked
   * for by value, then `next` free ones. Returns the offsets `next` got.
   */
  change(c: RangeChange): Promise<number[]> {
    const specific = c.specific ?? [];
    const release = c.release ?? [];
    const next = c.next ?? 0;
    if (specific.length === 0 && release.length === 0 && next === 0) return Promise.resolve([]);
    return this.serial(async () => {
      let got: number[] = [];
      await this.storage.guaranteedUpdate<RangeAllocation>(
        this.key,
        (current) => {
          const bitmap = this.bitmapOf(current?.object);
          for (const o of release) bitmap.release(o);
          specific.forEach((o, i) => {
            if (!bitmap.allocate(o)) throw new RangeChangeError("Allocated", i);
          });
          got = [];
          for (let k = 0; k < next; k++) {
            const o = bitmap.allocateNext(this.layout.skip);
            if (o === undefined) throw new RangeChangeError("Full");
            got.push(o);
          }
          return this.encode(bitmap, current?.object);
        },
        { ignoreNotFound: true },
      );
      return got;
    });
  }

  /**
   * Replaces the stored bitmap with what `rebuild` makes of it, if the key
   * has not changed since `rebuild` saw it (the repair controllers' write).
   * Returns false on a concurrent change: the caller reads again.
   */
  async replace(
    rebuild: (stored: Versioned<RangeAllocation> | undefined) => Promise<AllocationBitmap>,
  ): Promise<boolean> {
    return this.serial(async () => {
      const seen = await this.storage.get<RangeAllocation>(this.key);
      const bitmap = await rebuild(seen);
      const next = this.encode(bitmap, seen?.object);
      try {
        if (!seen) await this.storage.create(this.key, next);
        else {
          await this.storage.guaranteedUpdate<RangeAllocation>(this.key, () => next, {
            expectedResourceVersion: seen.resourceVersion,
          });
        }
        return true;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "Conflict" || code === "KeyExists" || code === "KeyNotFound") return false;
        throw e;
      }
    });
  }
}

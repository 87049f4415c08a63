import { randomBytes } from "node:crypto";
import type { Engine } from "../engine/engine.js";
import { BrainError, ErrorCode } from "../errors.js";
import { leaseKey, leasePrefix, leasePrefixEnd } from "../mvcc/layout.js";
import type { LeaseHooks, MvccStore } from "../mvcc/store.js";
import { ExpiryQueue } from "./expiry-queue.js";
import { Lease } from "./lease.js";
import { decodeLeaseRecord, encodeLeaseRecord, leaseIdOfKey } from "./lease-record.js";

/** etcd's MaxLeaseTTL, in seconds. */
export const MAX_LEASE_TTL = 9_000_000_000;

export interface LessorOptions {
  /**
   * Smallest TTL granted, in seconds. etcd uses ceil(1.5 × election timeout);
   * with its defaults (100 ms heartbeat, 1 s election) that is 2 s.
   */
  minTtl: number;
  /** Added to every lease's TTL at start, as etcd's Promote adds the election timeout. */
  promoteExtendMs: number;
  /** How often expired leases are looked for (etcd's run loop sleeps 500 ms). */
  tickMs: number;
  /** Retry delay for an expiry whose revocation failed (etcd's expiredLeaseRetryInterval). */
  retryMs: number;
  /** Most expiries started per tick (etcd revokes at most 500 per loop). */
  revokesPerTick: number;
  now: () => number;
}

const defaults: LessorOptions = {
  minTtl: 2,
  promoteExtendMs: 1000,
  tickMs: 500,
  retryMs: 3000,
  revokesPerTick: 500,
  now: Date.now,
};

/**
 * etcd's lessor over the MVCC store: the lease table, key attachments (kept
 * current by the store through LeaseHooks), expiry, and persistence of each
 * lease's granted TTL. Knows nothing of gRPC; see server/lease-service.ts.
 */
export class Lessor implements LeaseHooks {
  private readonly table = new Map<bigint, Lease>();
  private readonly queue = new ExpiryQueue();
  private readonly options: LessorOptions;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: MvccStore,
    options: Partial<LessorOptions>,
  ) {
    this.options = { ...defaults, ...options };
  }

  /** Loads every persisted lease and its attached keys, and installs itself as the store's lease hooks. */
  static open(store: MvccStore, engine: Engine, options: Partial<LessorOptions> = {}): Lessor {
    const lessor = new Lessor(store, options);
    engine.scan(leasePrefix, leasePrefixEnd, (k, v) => {
      const ttl = decodeLeaseRecord(v);
      if (ttl !== undefined) {
        const id = leaseIdOfKey(k);
        lessor.table.set(id, new Lease(id, Math.max(ttl, lessor.options.minTtl)));
      }
      return true;
    });
    store.forEachLiveKey((key, id) => {
      if (id !== 0n) lessor.table.get(id)?.keys.add(key);
    });
    store.setLeaseHooks(lessor);
    return lessor;
  }

  /** Starts expiry. Every lease gets its full TTL again, as etcd's Promote gives it on a new leader. */
  start(): void {
    if (this.timer) return;
    const now = this.options.now();
    for (const l of this.table.values()) {
      l.refresh(now, this.options.promoteExtendMs);
      this.queue.push(l.expiry, l.id);
    }
    this.timer = setInterval(() => this.expireDue(), this.options.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  // ---- LeaseHooks -------------------------------------------------------------

  exists(id: bigint): boolean {
    const l = this.table.get(id);
    return l !== undefined && l.revoking === undefined;
  }

  attach(id: bigint, key: string): void {
    this.table.get(id)?.keys.add(key);
  }

  detach(id: bigint, key: string): void {
    this.table.get(id)?.keys.delete(key);
  }

  // ---- operations ----------------------------------------------------------------

  /** etcd's Grant; `id` 0 lets the lessor choose a unique positive ID. Resolves once the lease is durable. */
  async grant(id: bigint, ttl: bigint): Promise<Lease> {
    if (ttl > BigInt(MAX_LEASE_TTL)) throw new BrainError(ErrorCode.LeaseTTLTooLarge);
    let chosen = id;
    while (chosen === 0n || (id === 0n && this.table.has(chosen))) chosen = randomLeaseId();
    if (this.table.has(chosen)) throw new BrainError(ErrorCode.LeaseExist);
    const l = new Lease(chosen, Math.max(Number(ttl), this.options.minTtl));
    this.table.set(chosen, l);
    if (this.timer) {
      l.refresh(this.options.now());
      this.queue.push(l.expiry, l.id);
    }
    try {
      await this.store.persist([[leaseKey(chosen), encodeLeaseRecord(l.ttl)]], []);
    } catch (e) {
      if (this.table.get(chosen) === l && !l.revoking) this.table.delete(chosen);
      throw e;
    }
    return l;
  }

  /** etcd's Revoke: deletes every attached key in one revision and the lease; resolves once durable. */
  revoke(id: bigint): Promise<void> {
    const l = this.table.get(id);
    if (!l) return Promise.reject(new BrainError(ErrorCode.LeaseNotFound));
    return this.revokeLease(l);
  }

  /**
   * etcd's Renew: restarts the full TTL and returns it. A lease that has
   * expired but is not yet revoked is revoked first and then not found, as
   * etcd's renew waits for the pending revocation.
   */
  async renew(id: bigint): Promise<number> {
    const l = this.table.get(id);
    if (!l) throw new BrainError(ErrorCode.LeaseNotFound);
    const now = this.options.now();
    if (l.revoking || l.expired(now)) {
      await this.revokeLease(l).catch(() => undefined);
      throw new BrainError(ErrorCode.LeaseNotFound);
    }
    l.refresh(now);
    this.queue.push(l.expiry, l.id);
    return l.ttl;
  }

  /** The lease with its remaining whole seconds, or undefined once unknown or revoked. */
  lookup(id: bigint): { lease: Lease; remaining: number } | undefined {
    const l = this.table.get(id);
    if (!l) return undefined;
    return { lease: l, remaining: l.remainingSeconds(this.options.now()) };
  }

  /** Every lease, soonest expiry first (etcd's Leases order). */
  leases(): Lease[] {
    return [...this.table.values()].sort((a, b) => a.expiry - b.expiry);
  }

  // ---- revocation and expiry -----------------------------------------------------

  private revokeLease(l: Lease): Promise<void> {
    if (!l.revoking) {
      l.revoking = this.startRevoke(l);
      // A refused revocation leaves the lease as it was, to be retried.
      l.revoking.catch(() => {
        if (this.table.get(l.id) === l) l.revoking = undefined;
      });
    }
    return l.revoking;
  }

  private startRevoke(l: Lease): Promise<void> {
    // Sorted like etcd's, so the deletes have the same sub-revision order.
    const keys = [...l.keys].sort();
    const deleted = keys.length > 0 ? this.store.deleteKeys(keys) : Promise.resolve(0);
    // The store applies (and detaches) synchronously, so nothing detached means it refused the
    // write (backpressure, stopping): its rejection propagates and the lease stays for a retry.
    if (keys.length > 0 && l.keys.size === keys.length) {
      return deleted.then(() => {
        l.keys.clear();
        return this.removeLease(l);
      });
    }
    return Promise.all([deleted, this.removeLease(l)]).then(() => undefined);
  }

  private removeLease(l: Lease): Promise<void> {
    this.table.delete(l.id);
    // Called in the same event-loop turn as the deletes, so both land in one atomic batch.
    return this.store.persist([], [leaseKey(l.id)]);
  }

  /** Starts revoking leases whose expiry has passed; each is revoked once. */
  private expireDue(): void {
    const now = this.options.now();
    let started = 0;
    while (started < this.options.revokesPerTick) {
      const due = this.queue.popDue(now);
      if (!due) break;
      const l = this.table.get(due.id);
      // Stale entries (revoked, renewed since, already being revoked) are dropped here.
      if (!l || l.revoking || !l.expired(now)) continue;
      started++;
      this.revokeLease(l).catch(() => {
        if (this.table.get(l.id) === l) this.queue.push(this.options.now() + this.options.retryMs, l.id);
      });
    }
  }
}

/** A random positive int64, as etcd only hands out positive IDs. */
function randomLeaseId(): bigint {
  return randomBytes(8).readBigInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
}

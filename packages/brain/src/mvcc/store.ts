import {
  type Compare,
  Compare_CompareResult,
  Compare_CompareTarget,
  type DeleteRangeRequest,
  type DeleteRangeResponse,
  type KeyValue,
  type PutRequest,
  type PutResponse,
  type RangeRequest,
  RangeRequest_SortOrder,
  RangeRequest_SortTarget,
  type RangeResponse,
  type ResponseHeader,
  type ResponseOp,
  type TxnRequest,
  type TxnResponse,
} from "@wharf/etcd-api";
import sortedBtree from "sorted-btree";
import type { Engine } from "../engine/engine.js";
import { BrainError, ErrorCode } from "../errors.js";
import { CommitPipeline, type CommittedRevision } from "./commit-pipeline.js";
import { KeyIndex } from "./key-index.js";
import {
  decodeUint,
  encodeUint,
  metaKey,
  revKey,
  revKeyRev,
  revKeySub,
  revLowerBound,
  revPrefixEnd,
} from "./layout.js";
import { checkDeleteRange, checkPut, checkRange, checkTxn } from "./request-checks.js";
import { decodeStoredKv, EMPTY, encodeStoredKv, type StoredKv } from "./stored-kv.js";

/** What the store asks of the lease subsystem while applying writes. */
export interface LeaseHooks {
  exists(id: bigint): boolean;
  attach(id: bigint, key: string): void;
  detach(id: bigint, key: string): void;
}

/** The changes of one committed revision, in sub order, as watchers see them. */
export interface RevisionChanges {
  rev: number;
  changes: StoredKv[];
}

export interface MvccStoreOptions {
  maxTxnOps: number;
  maxPendingBytes: number;
}

const COMPACT_META = metaKey("compact");
const BTree = sortedBtree.default;
type KeyTree = InstanceType<typeof BTree<string, KeyIndex>>;
/** Keys are latin1 strings of the key bytes, so JS string order is byte order. */
function newKeyTree(): KeyTree {
  return new BTree<string, KeyIndex>(undefined, sortedBtree.simpleComparator as (a: string, b: string) => number);
}
const noLeases: LeaseHooks = { exists: () => false, attach: () => {}, detach: () => {} };

/** The mutable state of one write txn while the sequencer applies it. */
class WriteTxn {
  readonly changes: StoredKv[] = [];
  constructor(readonly beginRev: number) {}
  /** The revision reads inside the txn see: its own changes once it has any. */
  get readRev(): number {
    return this.changes.length > 0 ? this.beginRev + 1 : this.beginRev;
  }
}

/** What a sorted-btree forRange callback returns to stop. */
const STOP_WALK = { break: true };

/** Paginated lists remembered, for the counts of their next pages. */
const MAX_COUNT_HINTS = 1024;

/** Whether a Range asks for revision filters. */
function isFiltered(r: RangeRequest): boolean {
  return r.minModRevision !== 0n || r.maxModRevision !== 0n || r.minCreateRevision !== 0n || r.maxCreateRevision !== 0n;
}

function header(rev: number): ResponseHeader {
  return { clusterId: 0n, memberId: 0n, revision: BigInt(rev), raftTerm: 0n };
}

export function toKeyValue(kv: StoredKv, keysOnly = false): KeyValue {
  return {
    key: kv.key,
    createRevision: BigInt(kv.createRev),
    modRevision: BigInt(kv.modRev),
    version: BigInt(kv.version),
    value: keysOnly ? EMPTY : kv.value,
    lease: kv.lease,
  };
}

/**
 * The multi-version key-value store: brain's logical clock and the heart of
 * the etcd data model. All mutations run synchronously on the event loop,
 * which makes this object the single sequencer: compares see every earlier
 * write, revision = last + 1 is assigned only to a txn that changes something,
 * and the changes go to the commit pipeline in revision order. Replies wait
 * for durability; reads are served at the last durable revision.
 */
export class MvccStore {
  /** Records of revisions assigned but not yet durable, by revision. */
  private readonly pending = new Map<number, StoredKv[]>();
  /** The engine key of the version being read; engines copy keys they keep. */
  private readonly scratchKey = Buffer.allocUnsafe(13);
  /** Counts of the rest of paginated lists, by revision, range end and next page's start (see rangeRecords). */
  private readonly countHints = new Map<string, number>();
  private readonly pipeline: CommitPipeline<StoredKv[]>;
  private readonly listeners: Array<(r: RevisionChanges) => void> = [];
  private leases: LeaseHooks = noLeases;
  /** Highest revision assigned by the sequencer (may not be durable yet). */
  private latestRev: number;
  /** Revision up to which history has been compacted. */
  compactRev: number;
  private failure: Error | undefined;

  private constructor(
    private readonly engine: Engine,
    startRev: number,
    compactRev: number,
    private readonly options: MvccStoreOptions,
    private readonly tree: KeyTree,
  ) {
    this.latestRev = startRev;
    this.compactRev = compactRev;
    this.pipeline = new CommitPipeline<StoredKv[]>(
      engine,
      startRev,
      { maxPendingBytes: options.maxPendingBytes },
      (revs) => this.published(revs),
      (e) => {
        this.failure = e;
      },
    );
  }

  /** Opens the store on an engine, rebuilding the key index from the revision log. */
  static open(engine: Engine, options: MvccStoreOptions): MvccStore {
    let rev = decodeUint(engine.get(metaKey("rev"))) ?? 1;
    const compactRev = decodeUint(engine.get(COMPACT_META)) ?? 0;
    const tree = newKeyTree();
    engine.scan(revLowerBound(0), revPrefixEnd, (k, v) => {
      const r = revKeyRev(k);
      const kv = decodeStoredKv(v, r, revKeySub(k), false);
      const name = kv.key.toString("latin1");
      let ki = tree.get(name);
      if (!ki) {
        ki = new KeyIndex(name);
        tree.set(name, ki);
      }
      ki.record(r, kv.sub, kv.tombstone);
      ki.createRev = kv.createRev;
      ki.version = kv.version;
      // Each decoded lease is a new BigInt; keys without one share the literal.
      ki.lease = kv.lease === 0n ? 0n : kv.lease;
      if (r > rev) rev = r;
      return true;
    });
    return new MvccStore(engine, rev, compactRev, options, tree);
  }

  /** The revision reads are served at: the last durable, published one. */
  get currentRev(): number {
    return this.pipeline.durableRev;
  }

  /** Calls `fn` with every revision's changes once durable, in revision order. */
  onCommit(fn: (r: RevisionChanges) => void): void {
    this.listeners.push(fn);
  }

  setLeaseHooks(hooks: LeaseHooks): void {
    this.leases = hooks;
  }

  /** Keys currently alive and attached to a lease are known to the lessor; this lists a lease's keys at rebuild. */
  forEachLiveKey(fn: (key: string, lease: bigint) => void): void {
    for (const [k, ki] of this.tree.entries()) if (ki.alive) fn(k, ki.lease);
  }

  get keyCount(): number {
    return this.tree.size;
  }

  /**
   * Persists records outside the revision log (leases, alarms) in order with
   * the writes around them; resolves once they are durable.
   */
  persist(puts: Array<[Buffer, Buffer]>, deletes: Buffer[]): Promise<void> {
    if (this.failure) return Promise.reject(new BrainError(ErrorCode.Stopped));
    this.pipeline.append(this.latestRev, puts, deletes, undefined);
    return this.pipeline.barrier();
  }

  waitDurable(rev: number): Promise<void> {
    return this.pipeline.waitDurable(rev);
  }

  /** Resolves when no write is pending, including the engine deletes of a compaction still running in the background. */
  async idle(): Promise<void> {
    await this.pipeline.idle();
    while (this.compactionsInFlight > 0) {
      await this.compacting.catch(() => undefined);
      await this.pipeline.idle();
    }
  }

  // ---- reads ----------------------------------------------------------------

  range(r: RangeRequest): RangeResponse {
    checkRange(r);
    return this.rangeAt(r, this.currentRev);
  }

  /** Reads one key's version visible at `rev`, or undefined. */
  getAt(key: Buffer, rev: number): StoredKv | undefined {
    const ki = this.tree.get(key.toString("latin1"));
    if (!ki) return undefined;
    const i = ki.visibleAt(rev);
    return i < 0 ? undefined : this.readVersion(ki.revAt(i), ki.subAt(i));
  }

  /**
   * Visits the changes of every revision in [fromRev, toRev] still in the
   * log, in order, reading the log from the engine. Compaction may have
   * removed versions below the compaction point only.
   */
  scanLog(fromRev: number, toRev: number, visit: (kv: StoredKv) => boolean | undefined): void {
    this.engine.scan(revLowerBound(fromRev), revLowerBound(toRev + 1), (k, v) => {
      return visit(decodeStoredKv(v, revKeyRev(k), revKeySub(k)));
    });
  }

  private readVersion(rev: number, sub: number): StoredKv {
    const p = this.pending.get(rev);
    if (p) return p[sub]!;
    const v = this.engine.get(revKey(rev, sub));
    if (!v) throw new BrainError(ErrorCode.Corrupt, `etcdserver: missing revision ${rev}.${sub}`);
    // The engine's get returns a copy of its own: decode views into it rather than copy again.
    return decodeStoredKv(v, rev, sub, true, true);
  }

  /**
   * A Range without filters or sorting, as stored bytes: calls `visit` with
   * each returned version's record (see stored-kv.ts; valid only during the
   * call, in record[0, length)) and its mod revision, and returns what the
   * response says besides. Undefined when the request filters or sorts: then
   * range() answers it. Copies nothing, so a page of a large list costs little.
   */
  rangeRecords(
    r: RangeRequest,
    visit: (record: Buffer, length: number, modRev: number) => void,
    /** Given, a record already in the engine is passed by its engine key's parts, unread (a reader elsewhere reads it). */
    ref?: (modRev: number, sub: number) => void,
  ): { revision: number; count: number; more: boolean } | undefined {
    checkRange(r);
    const curRev = this.currentRev;
    const rev = this.readRevision(r, curRev);
    if (isFiltered(r) || r.sortOrder !== RangeRequest_SortOrder.None || r.sortTarget !== RangeRequest_SortTarget.Key) {
      return undefined;
    }
    const limit = Number(r.limit);
    // The keys alive at a revision never change, so the next page of a list
    // (from just after this page's last key, at the same revision and end)
    // has the count this page leaves: that page walks only what it returns,
    // where counting would walk the whole rest of the range each time.
    const hintKey = limit > 0 ? `${rev}|${r.rangeEnd.toString("latin1")}|${r.key.toString("latin1")}` : undefined;
    const hinted = hintKey === undefined ? undefined : this.countHints.get(hintKey);
    if (hinted !== undefined && r.countOnly) return { revision: curRev, count: hinted, more: false };
    let returned = 0;
    let more = false;
    let lastKey = "";
    const key = this.scratchKey;
    const visited = this.visitRange(r.key, r.rangeEnd, rev, (ki, i) => {
      if (r.countOnly) return;
      if (limit > 0 && returned === limit) {
        more = true;
        return hinted !== undefined;
      }
      returned++;
      lastKey = ki.key;
      const vRev = ki.revAt(i);
      const sub = ki.subAt(i);
      const p = this.pending.get(vRev);
      if (p) {
        const b = encodeStoredKv(p[sub]!);
        visit(b, b.length, vRev);
      } else if (ref) {
        ref(vRev, sub);
      } else if (!this.engine.peek(revKey(vRev, sub, key), (b, n) => visit(b, n, vRev))) {
        throw new BrainError(ErrorCode.Corrupt, `etcdserver: missing revision ${vRev}.${sub}`);
      }
    });
    const count = hinted ?? visited;
    if (more && hintKey !== undefined) {
      if (this.countHints.size >= MAX_COUNT_HINTS) this.countHints.delete(this.countHints.keys().next().value!);
      this.countHints.set(`${rev}|${r.rangeEnd.toString("latin1")}|${lastKey}\0`, count - returned);
    }
    return { revision: curRev, count, more };
  }

  /** The revision a read asks for, checked against the current and compacted ones. */
  private readRevision(r: RangeRequest, curRev: number): number {
    let rev = Number(r.revision);
    if (rev > curRev) throw new BrainError(ErrorCode.FutureRev);
    if (rev <= 0) rev = curRev;
    if (rev < this.compactRev) throw new BrainError(ErrorCode.Compacted);
    return rev;
  }

  /** etcd's mvcc rangeKeys plus the v3 Range filters, sorting and limit; `curRev` is the read view's revision. */
  private rangeAt(r: RangeRequest, curRev: number): RangeResponse {
    const rev = this.readRevision(r, curRev);
    const limit = Number(r.limit);
    const filtered = r.sortOrder !== RangeRequest_SortOrder.None || isFiltered(r);
    const fetch = filtered || limit <= 0 ? 0 : limit + 1;
    const found: Array<[number, number]> = [];
    const count = this.visitRange(r.key, r.rangeEnd, rev, (ki, i) => {
      if (!r.countOnly && (fetch === 0 || found.length < fetch)) found.push([ki.revAt(i), ki.subAt(i)]);
    });
    if (r.countOnly) return { header: header(curRev), kvs: [], more: false, count: BigInt(count) };
    let kvs = found.map(([rv, sub]) => this.readVersion(rv, sub));
    if (r.maxModRevision !== 0n) kvs = kvs.filter((kv) => kv.modRev <= Number(r.maxModRevision));
    if (r.minModRevision !== 0n) kvs = kvs.filter((kv) => kv.modRev >= Number(r.minModRevision));
    if (r.maxCreateRevision !== 0n) kvs = kvs.filter((kv) => kv.createRev <= Number(r.maxCreateRevision));
    if (r.minCreateRevision !== 0n) kvs = kvs.filter((kv) => kv.createRev >= Number(r.minCreateRevision));
    let order = r.sortOrder;
    if (r.sortTarget !== RangeRequest_SortTarget.Key && order === RangeRequest_SortOrder.None) {
      order = RangeRequest_SortOrder.Ascend;
    }
    if (order === RangeRequest_SortOrder.Ascend || order === RangeRequest_SortOrder.Descend) {
      const cmp = sortComparator(r.sortTarget);
      kvs.sort(order === RangeRequest_SortOrder.Ascend ? cmp : (a, b) => cmp(b, a));
    }
    let more = false;
    if (limit > 0 && kvs.length > limit) {
      kvs.length = limit;
      more = true;
    }
    return {
      header: header(curRev),
      kvs: kvs.map((kv) => toKeyValue(kv, r.keysOnly)),
      more,
      count: BigInt(count),
    };
  }

  /**
   * Calls `fn` for each key in [key, end) whose version at `rev` is alive and
   * returns how many there were. An empty `end` means the single key; "\0"
   * means every key from `key` on. `fn` returning true stops the walk (the
   * number returned then counts the keys visited).
   */
  private visitRange(key: Buffer, end: Buffer, rev: number, fn: (ki: KeyIndex, i: number) => unknown): number {
    const start = key.toString("latin1");
    if (end.length === 0) {
      const ki = this.tree.get(start);
      if (!ki) return 0;
      const i = ki.visibleAt(rev);
      if (i < 0) return 0;
      fn(ki, i);
      return 1;
    }
    const unbounded = end.length === 1 && end[0] === 0;
    const stop = unbounded ? "" : end.toString("latin1");
    if (!unbounded && start >= stop) return 0;
    let n = 0;
    // forRange's callback walk is several times faster than entries()'s iterator; counts walk whole ranges.
    const visit = (_k: string, ki: KeyIndex) => {
      const i = ki.visibleAt(rev);
      if (i < 0) return;
      n++;
      if (fn(ki, i) === true) return STOP_WALK;
    };
    if (!unbounded) this.tree.forRange(start, stop, false, visit);
    else {
      const last = this.tree.maxKey();
      if (last !== undefined && start <= last) this.tree.forRange(start, last, true, visit);
    }
    return n;
  }

  // ---- writes ---------------------------------------------------------------

  put(r: PutRequest): Promise<PutResponse> {
    checkPut(r);
    return this.write((w) => {
      this.checkPutRequest(r);
      return this.applyPut(w, r);
    });
  }

  deleteRange(r: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    checkDeleteRange(r);
    return this.write((w) => this.applyDeleteRange(w, r));
  }

  txn(r: TxnRequest): Promise<TxnResponse> {
    checkTxn(r, this.options.maxTxnOps);
    return this.write((w) => {
      const path = this.compareToPath(r);
      if (!isTxnReadonly(r))
        this.checkRequests(r, path, 0, (op) => op.requestPut && this.checkPutRequest(op.requestPut));
      this.checkRequests(r, path, 0, (op) => op.requestRange && this.checkRangeRevision(op.requestRange, w.beginRev));
      const resp: TxnResponse = { header: undefined, succeeded: path[0]!, responses: [] };
      this.applyTxn(w, r, path, 0, resp);
      return resp;
    });
  }

  /**
   * Runs `apply` as one sequenced write: it sees every earlier write, its
   * changes share one new revision, and the reply waits until that revision
   * (or, for a txn that changed nothing, the revision it read) is durable.
   */
  private async write<R extends { header: ResponseHeader | undefined }>(apply: (w: WriteTxn) => R): Promise<R> {
    if (this.failure) throw new BrainError(ErrorCode.Stopped);
    this.pipeline.admit();
    const w = new WriteTxn(this.latestRev);
    let resp: R;
    try {
      resp = apply(w);
    } catch (e) {
      // Checks run before the first change, so a throwing txn has changed nothing.
      if (w.changes.length > 0) this.rollback(w);
      throw e;
    }
    const rev = w.changes.length > 0 ? this.seal(w) : w.beginRev;
    resp.header = header(rev);
    await this.pipeline.waitDurable(rev);
    return resp;
  }

  /** Assigns the txn's revision and hands its records to group commit. */
  private seal(w: WriteTxn): number {
    const rev = w.beginRev + 1;
    this.latestRev = rev;
    const puts: Array<[Buffer, Buffer]> = w.changes.map((kv) => [revKey(rev, kv.sub), encodeStoredKv(kv)]);
    this.pipeline.append(rev, puts, [], w.changes);
    return rev;
  }

  /** Unreachable by construction (all checks precede changes); kept so a bug cannot half-apply a txn. */
  private rollback(w: WriteTxn): void {
    this.failure = new BrainError(ErrorCode.Internal, "etcdserver: txn failed after applying changes");
    this.pending.delete(w.beginRev + 1);
  }

  private published(revs: Array<CommittedRevision<StoredKv[]>>): void {
    for (const { rev, payload } of revs) {
      this.pending.delete(rev);
      const rc: RevisionChanges = { rev, changes: payload };
      for (const l of this.listeners) l(rc);
    }
  }

  private addChange(w: WriteTxn, kv: StoredKv): void {
    if (w.changes.length === 0) this.pending.set(w.beginRev + 1, w.changes);
    w.changes.push(kv);
  }

  private checkPutRequest(r: PutRequest): void {
    if (r.ignoreValue || r.ignoreLease) {
      const ki = this.tree.get(r.key.toString("latin1"));
      if (!ki?.alive) throw new BrainError(ErrorCode.KeyNotFound);
    }
    if (r.lease !== 0n && !this.leases.exists(r.lease)) throw new BrainError(ErrorCode.LeaseNotFound);
  }

  private checkRangeRevision(r: RangeRequest, rev: number): void {
    const want = Number(r.revision);
    if (want === 0) return;
    if (want > rev) throw new BrainError(ErrorCode.FutureRev);
    if (want < this.compactRev) throw new BrainError(ErrorCode.Compacted);
  }

  private applyPut(w: WriteTxn, r: PutRequest): PutResponse {
    const name = r.key.toString("latin1");
    let ki = this.tree.get(name);
    const rev = w.beginRev + 1;
    const prev = ki?.alive ? this.readVersion(ki.modRev, ki.modSub) : undefined;
    const value = r.ignoreValue ? prev!.value : r.value;
    const lease = r.ignoreLease ? prev!.lease : r.lease;
    if (!ki) {
      ki = new KeyIndex(name);
      this.tree.set(name, ki);
    }
    const oldLease = ki.alive ? ki.lease : 0n;
    const kv: StoredKv = {
      key: r.key,
      value,
      createRev: ki.alive ? ki.createRev : rev,
      modRev: rev,
      sub: w.changes.length,
      version: ki.version + 1,
      lease,
      tombstone: false,
    };
    ki.record(rev, kv.sub, false);
    ki.createRev = kv.createRev;
    ki.version = kv.version;
    ki.lease = lease;
    this.addChange(w, kv);
    if (oldLease !== 0n) this.leases.detach(oldLease, name);
    if (lease !== 0n) this.leases.attach(lease, name);
    return { header: header(rev), prevKv: r.prevKv && prev ? toKeyValue(prev) : undefined };
  }

  private applyDeleteRange(w: WriteTxn, r: DeleteRangeRequest): DeleteRangeResponse {
    const readRev = w.readRev;
    const victims: KeyIndex[] = [];
    const prevKvs: KeyValue[] = [];
    this.visitRange(r.key, r.rangeEnd, readRev, (ki, i) => {
      victims.push(ki);
      if (r.prevKv) prevKvs.push(toKeyValue(this.readVersion(ki.revAt(i), ki.subAt(i))));
    });
    const rev = w.beginRev + 1;
    for (const ki of victims) {
      this.deleteKey(w, ki, rev);
    }
    const hdrRev = victims.length > 0 || w.changes.length > 0 ? rev : w.beginRev;
    return { header: header(hdrRev), deleted: BigInt(victims.length), prevKvs };
  }

  /** Writes a tombstone for a live key at `rev`; used by DeleteRange and lease expiry. */
  private deleteKey(w: WriteTxn, ki: KeyIndex, rev: number): void {
    const kv: StoredKv = {
      key: Buffer.from(ki.key, "latin1"),
      value: EMPTY,
      createRev: 0,
      modRev: rev,
      sub: w.changes.length,
      version: 0,
      lease: 0n,
      tombstone: true,
    };
    const lease = ki.lease;
    ki.record(rev, kv.sub, true);
    ki.createRev = 0;
    ki.version = 0;
    ki.lease = 0n;
    this.addChange(w, kv);
    if (lease !== 0n) this.leases.detach(lease, ki.key);
  }

  /**
   * Deletes the given keys in one revision (lease revocation and expiry).
   * Keys no longer alive are skipped; resolves with the revision used.
   */
  deleteKeys(keys: Iterable<string>): Promise<number> {
    return this.write((w) => {
      const rev = w.beginRev + 1;
      for (const k of keys) {
        const ki = this.tree.get(k);
        if (ki?.alive) this.deleteKey(w, ki, rev);
      }
      return { header: undefined as ResponseHeader | undefined };
    }).then((r) => Number(r.header!.revision));
  }

  // ---- compaction -----------------------------------------------------------

  /**
   * etcd's Compact: history below `rev` becomes unreadable at once (the
   * compaction point is persisted with the next batch); the versions it frees
   * are deleted from the engine in background chunks. Resolves with the
   * current revision once the point is durable, and with `physical` only
   * after the deletion has finished.
   */
  async compact(rev: number, physical: boolean): Promise<number> {
    if (this.failure) throw new BrainError(ErrorCode.Stopped);
    if (rev <= this.compactRev) throw new BrainError(ErrorCode.Compacted);
    // Clients see only durable revisions; compacting past them would fail every read until they are.
    if (rev > this.currentRev) throw new BrainError(ErrorCode.FutureRev);
    this.compactRev = rev;
    const at = this.latestRev;
    this.pipeline.append(at, [[COMPACT_META, encodeUint(rev)]], [], undefined);
    // Counted from here, so that idle() (and a close after it) waits for the deletes to come.
    this.compactionsInFlight++;
    let done: Promise<void>;
    try {
      await this.pipeline.barrier();
      done = this.physicallyCompact(rev);
    } catch (e) {
      this.compactionsInFlight--;
      throw e;
    }
    const settled = done.finally(() => {
      this.compactionsInFlight--;
    });
    if (physical) await settled;
    else settled.catch(() => undefined);
    return this.currentRev;
  }

  private compacting: Promise<void> = Promise.resolve();
  /** Compactions whose point is being persisted or whose deletes are still running. */
  private compactionsInFlight = 0;

  private physicallyCompact(rev: number): Promise<void> {
    // One compaction at a time, in order; each walks every key in chunks so the event loop keeps serving.
    this.compacting = this.compacting.then(async () => {
      let next: string | undefined = "";
      const chunk = 10_000;
      while (next !== undefined) {
        const dropped: Array<[number, number]> = [];
        const empties: string[] = [];
        let n = 0;
        let last: string | undefined;
        for (const [k, ki] of this.tree.entries(next)) {
          if (n++ === chunk) {
            last = k;
            break;
          }
          ki.compact(rev, dropped);
          if (ki.empty) empties.push(k);
        }
        for (const k of empties) this.tree.delete(k);
        if (dropped.length > 0) {
          const at = this.latestRev;
          this.pipeline.append(
            at,
            [],
            dropped.map(([r, s]) => revKey(r, s)),
            undefined,
          );
          await this.pipeline.barrier();
        }
        next = last;
        if (next !== undefined) await new Promise((r) => setImmediate(r));
      }
    });
    return this.compacting;
  }

  // ---- txn evaluation (etcd's apply.go, against the newest state) ----------

  /** The branch each (nested) txn takes, in the depth-first order etcd uses. */
  private compareToPath(r: TxnRequest): boolean[] {
    const path: boolean[] = [];
    const walk = (t: TxnRequest) => {
      const ok = t.compare.every((c) => this.applyCompare(c));
      path.push(ok);
      for (const op of ok ? t.success : t.failure) if (op.requestTxn) walk(op.requestTxn);
    };
    walk(r);
    return path;
  }

  private applyCompare(c: Compare): boolean {
    let sawAny = false;
    let ok = true;
    const check = (ki: KeyIndex | undefined) => {
      if (!ok) return;
      ok = compareKey(c, ki, () => this.readVersion(ki!.modRev, ki!.modSub).value);
    };
    if (c.rangeEnd.length === 0) {
      const ki = this.tree.get(c.key.toString("latin1"));
      if (ki?.alive) {
        sawAny = true;
        check(ki);
      }
    } else {
      this.visitRange(c.key, c.rangeEnd, this.latestRev, (ki) => {
        sawAny = true;
        check(ki);
      });
    }
    if (!sawAny) {
      // A missing key compares as all zeros, except that a value compare always fails.
      if (c.target === Compare_CompareTarget.Value) return false;
      return compareKey(c, undefined, () => EMPTY);
    }
    return ok;
  }

  /** Runs `check` on every op on the taken branches; returns how many path entries the txn consumed. */
  private checkRequests(
    r: TxnRequest,
    path: boolean[],
    at: number,
    check: (op: TxnRequest["success"][number]) => unknown,
  ): number {
    let used = 1;
    for (const op of path[at] ? r.success : r.failure) {
      if (op.requestTxn) used += this.checkRequests(op.requestTxn, path, at + used, check);
      else check(op);
    }
    return used;
  }

  /** Applies the taken branch of `r` into `resp`; returns how many path entries it consumed. */
  private applyTxn(w: WriteTxn, r: TxnRequest, path: boolean[], at: number, resp: TxnResponse): number {
    const ok = path[at]!;
    resp.succeeded = ok;
    let used = 1;
    for (const op of ok ? r.success : r.failure) {
      const out: ResponseOp = {};
      if (op.requestRange) out.responseRange = this.rangeAt(op.requestRange, w.readRev);
      else if (op.requestPut) out.responsePut = this.applyPut(w, op.requestPut);
      else if (op.requestDeleteRange) out.responseDeleteRange = this.applyDeleteRange(w, op.requestDeleteRange);
      else if (op.requestTxn) {
        const sub: TxnResponse = { header: header(0), succeeded: false, responses: [] };
        used += this.applyTxn(w, op.requestTxn, path, at + used, sub);
        out.responseTxn = sub;
      }
      resp.responses.push(out);
    }
    // A nested txn's response keeps an empty header, as etcd's does.
    return used;
  }
}

function isTxnReadonly(r: TxnRequest): boolean {
  for (const op of r.success) if (!op.requestRange) return false;
  for (const op of r.failure) if (!op.requestRange) return false;
  return true;
}

function cmp(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKey(c: Compare, ki: KeyIndex | undefined, value: () => Buffer): boolean {
  let result: number;
  switch (c.target) {
    case Compare_CompareTarget.Value:
      result = Buffer.compare(value(), c.value ?? EMPTY);
      break;
    case Compare_CompareTarget.Create:
      result = cmp(ki?.createRev ?? 0, c.createRevision ?? 0n);
      break;
    case Compare_CompareTarget.Mod:
      result = cmp(ki?.modRev ?? 0, c.modRevision ?? 0n);
      break;
    case Compare_CompareTarget.Version:
      result = cmp(ki?.version ?? 0, c.version ?? 0n);
      break;
    case Compare_CompareTarget.Lease:
      result = cmp(ki?.lease ?? 0n, c.lease ?? 0n);
      break;
    default:
      result = 0;
  }
  switch (c.result) {
    case Compare_CompareResult.Equal:
      return result === 0;
    case Compare_CompareResult.NotEqual:
      return result !== 0;
    case Compare_CompareResult.Greater:
      return result > 0;
    case Compare_CompareResult.Less:
      return result < 0;
    default:
      return true;
  }
}

function sortComparator(target: RangeRequest_SortTarget): (a: StoredKv, b: StoredKv) => number {
  switch (target) {
    case RangeRequest_SortTarget.Version:
      return (a, b) => a.version - b.version;
    case RangeRequest_SortTarget.Create:
      return (a, b) => a.createRev - b.createRev;
    case RangeRequest_SortTarget.Mod:
      return (a, b) => a.modRev - b.modRev;
    case RangeRequest_SortTarget.Value:
      return (a, b) => Buffer.compare(a.value, b.value);
    default:
      return (a, b) => Buffer.compare(a.key, b.key);
  }
}

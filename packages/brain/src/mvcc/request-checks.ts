import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from "@wharf/etcd-api";
import { BrainError, ErrorCode } from "../errors.js";

// Stateless checks etcd runs on a request before it reaches the store
// (etcd's v3rpc key.go): empty keys, ignore_* flags, op counts, and keys that
// one txn would write twice.

export function checkRange(r: RangeRequest): void {
  if (r.key.length === 0) throw new BrainError(ErrorCode.EmptyKey);
}

export function checkPut(r: PutRequest): void {
  if (r.key.length === 0) throw new BrainError(ErrorCode.EmptyKey);
  if (r.ignoreValue && r.value.length !== 0) throw new BrainError(ErrorCode.ValueProvided);
  if (r.ignoreLease && r.lease !== 0n) throw new BrainError(ErrorCode.LeaseProvided);
}

export function checkDeleteRange(r: DeleteRangeRequest): void {
  if (r.key.length === 0) throw new BrainError(ErrorCode.EmptyKey);
}

export function checkTxn(r: TxnRequest, maxTxnOps: number): void {
  checkTxnOps(r, maxTxnOps);
  checkDuplicates(r.success);
  checkDuplicates(r.failure);
}

function checkTxnOps(r: TxnRequest, maxTxnOps: number): void {
  const opc = Math.max(r.compare.length, r.success.length, r.failure.length);
  if (opc > maxTxnOps) throw new BrainError(ErrorCode.TooManyOps);
  for (const c of r.compare) if (c.key.length === 0) throw new BrainError(ErrorCode.EmptyKey);
  for (const op of r.success) checkOp(op, maxTxnOps - opc);
  for (const op of r.failure) checkOp(op, maxTxnOps - opc);
}

function checkOp(op: RequestOp, maxTxnOps: number): void {
  if (op.requestRange) checkRange(op.requestRange);
  else if (op.requestPut) checkPut(op.requestPut);
  else if (op.requestDeleteRange) checkDeleteRange(op.requestDeleteRange);
  else if (op.requestTxn) checkTxnOps(op.requestTxn, maxTxnOps);
  else throw new BrainError(ErrorCode.KeyNotFound);
}

/** A set of deleted intervals [start, end) over latin1 key strings; end "" means no upper bound. */
class DeletedIntervals {
  readonly list: Array<[string, string | undefined]> = [];
  add(start: string, end: string | undefined): void {
    this.list.push([start, end]);
  }
  has(k: string): boolean {
    for (const [s, e] of this.list) {
      if (e === undefined ? k === s : k >= s && (e === "" || k < e)) return true;
    }
    return false;
  }
}

/**
 * etcd's checkIntervals: within one list of ops (and the nested txns it may
 * run), no key may be put twice, and no put may fall inside a deleted range.
 * A put in both branches of one nested txn is fine: only one branch runs.
 */
function checkDuplicates(ops: RequestOp[]): { puts: Set<string>; dels: DeletedIntervals } {
  const dels = new DeletedIntervals();
  for (const op of ops) {
    const d = op.requestDeleteRange;
    if (!d) continue;
    const start = d.key.toString("latin1");
    if (d.rangeEnd.length === 0) dels.add(start, undefined);
    else if (d.rangeEnd.length === 1 && d.rangeEnd[0] === 0) dels.add(start, "");
    else dels.add(start, d.rangeEnd.toString("latin1"));
  }
  const puts = new Set<string>();
  for (const op of ops) {
    const t = op.requestTxn;
    if (!t) continue;
    const then = checkDuplicates(t.success);
    const otherwise = checkDuplicates(t.failure);
    for (const k of then.puts) {
      if (puts.has(k) || dels.has(k)) throw new BrainError(ErrorCode.DuplicateKey);
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      if (puts.has(k) && !then.puts.has(k)) throw new BrainError(ErrorCode.DuplicateKey);
      if (dels.has(k)) throw new BrainError(ErrorCode.DuplicateKey);
      puts.add(k);
    }
    for (const iv of then.dels.list) dels.add(iv[0], iv[1]);
    for (const iv of otherwise.dels.list) dels.add(iv[0], iv[1]);
  }
  for (const op of ops) {
    const p = op.requestPut;
    if (!p) continue;
    const k = p.key.toString("latin1");
    if (puts.has(k) || dels.has(k)) throw new BrainError(ErrorCode.DuplicateKey);
    puts.add(k);
  }
  return { puts, dels };
}

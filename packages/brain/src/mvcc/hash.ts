import { crc32 } from "node:zlib";
import type { Engine } from "../engine/engine.js";
import { BrainError, ErrorCode } from "../errors.js";
import { leasePrefix, leasePrefixEnd, revLowerBound, revPrefixEnd } from "./layout.js";

/**
 * etcd's HashKV: a checksum of every stored key version up to `rev`, used to
 * compare replicas. The value is brain's own (crc32 over its records); it is
 * stable across restarts and equal for equal histories.
 */
export function hashKV(engine: Engine, rev: number, currentRev: number, compactRev: number): number {
  if (rev > currentRev) throw new BrainError(ErrorCode.FutureRev);
  if (rev > 0 && rev < compactRev) throw new BrainError(ErrorCode.Compacted);
  const upTo = rev > 0 ? rev : currentRev;
  let h = 0;
  engine.scan(revLowerBound(0), revLowerBound(upTo + 1), (k, v) => {
    h = crc32(v, crc32(k, h));
    return true;
  });
  return h;
}

/** etcd's Hash: a checksum of the whole keyspace (leases and the revision log; not per-start bookkeeping). */
export function hashAll(engine: Engine): number {
  let h = 0;
  const visit = (k: Buffer, v: Buffer) => {
    h = crc32(v, crc32(k, h));
    return true;
  };
  engine.scan(leasePrefix, leasePrefixEnd, visit);
  engine.scan(revLowerBound(0), revPrefixEnd, visit);
  return h;
}

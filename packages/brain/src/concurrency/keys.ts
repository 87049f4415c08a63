import {
  type KeyValue,
  RangeRequest,
  RangeRequest_SortOrder,
  RangeRequest_SortTarget,
  type ResponseHeader,
} from "@wharf/etcd-api";
import type { Brain } from "../brain.js";

/** etcd's GetPrefixRangeEnd: the key just past every key starting with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** The key a session with `lease` holds under `prefix` (etcd formats it "%s%x"). */
export function sessionKey(prefix: Buffer, lease: bigint): Buffer {
  return Buffer.concat([prefix, Buffer.from(lease.toString(16), "latin1")]);
}

/** The request of etcd's WithFirstCreate on a prefix: the key with the lowest create revision. */
export function firstCreateRequest(prefix: Buffer): RangeRequest {
  return RangeRequest.fromPartial({
    key: prefix,
    rangeEnd: prefixEnd(prefix),
    sortOrder: RangeRequest_SortOrder.Ascend,
    sortTarget: RangeRequest_SortTarget.Create,
    limit: 1n,
  });
}

/** The oldest key under `prefix` (the lock owner or election leader) now, with the read's header. */
export function firstCreated(brain: Brain, prefix: Buffer): { header: ResponseHeader; kv: KeyValue | undefined } {
  const r = brain.store.range(firstCreateRequest(prefix));
  return { header: r.header!, kv: r.kvs[0] };
}

/** etcd's default session TTL, used for the lease a session grants when it is given none. */
export const DEFAULT_SESSION_TTL = 60n;

/**
 * The lease a concurrency session runs on: the given one, or (as etcd's
 * NewSession does for lease 0) a fresh lease with the default TTL.
 */
export async function sessionLease(brain: Brain, lease: bigint): Promise<bigint> {
  if (lease !== 0n) return lease;
  brain.checkQuota();
  return (await brain.lessor.grant(0n, DEFAULT_SESSION_TTL)).id;
}

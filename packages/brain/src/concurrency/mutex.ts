import {
  Compare,
  Compare_CompareResult,
  Compare_CompareTarget,
  DeleteRangeRequest,
  RangeRequest,
  type ResponseHeader,
  TxnRequest,
} from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { ConcurrencyError, ConcurrencyMessage } from "./errors.js";
import { firstCreateRequest, sessionKey, sessionLease } from "./keys.js";
import { waitDeletes } from "./prefix-waiter.js";

export interface LockResult {
  header: ResponseHeader;
  key: Buffer;
}

/**
 * etcd's Lock service over brain's store (its server runs concurrency.Mutex
 * on a session for the request's lease): queue under `name/` with the key
 * `name/<lease hex>`, then wait until every older key is deleted.
 */
export async function lock(brain: Brain, name: Buffer, leaseId: bigint, signal?: AbortSignal): Promise<LockResult> {
  const lease = await sessionLease(brain, leaseId);
  const prefix = Buffer.concat([name, Buffer.from("/")]);
  const key = sessionKey(prefix, lease);
  const owner = { requestRange: firstCreateRequest(prefix) };
  brain.checkQuota();
  const resp = await brain.store.txn(
    TxnRequest.fromPartial({
      compare: [
        Compare.fromPartial({
          key,
          target: Compare_CompareTarget.Create,
          result: Compare_CompareResult.Equal,
          createRevision: 0n,
        }),
      ],
      // Reuse the key if this lease already queued (or holds) the lock.
      success: [{ requestPut: { key, value: Buffer.alloc(0), lease } }, owner],
      failure: [{ requestRange: RangeRequest.fromPartial({ key }) }, owner],
    }),
  );
  const myRev = resp.succeeded
    ? Number(resp.header!.revision)
    : Number(resp.responses[0]!.responseRange!.kvs[0]!.createRevision);
  const first = resp.responses[1]!.responseRange!.kvs[0];
  if (!first || Number(first.createRevision) === myRev) return { header: resp.header!, key };
  try {
    await waitDeletes(brain, prefix, myRev - 1, signal);
  } catch (e) {
    // As etcd's Mutex.Lock, a failed wait gives up the place in the queue.
    await brain.store.deleteRange(DeleteRangeRequest.fromPartial({ key })).catch(() => undefined);
    throw e;
  }
  const mine = brain.store.range(RangeRequest.fromPartial({ key }));
  if (mine.kvs.length === 0) throw new ConcurrencyError(ConcurrencyMessage.SessionExpired);
  return { header: mine.header!, key };
}

/** etcd's Unlock: deletes the key Lock returned. */
export async function unlock(brain: Brain, key: Buffer): Promise<{ header: ResponseHeader }> {
  const r = await brain.store.deleteRange(DeleteRangeRequest.fromPartial({ key }));
  return { header: r.header! };
}

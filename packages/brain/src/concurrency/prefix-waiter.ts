import { RangeRequest, RangeRequest_SortOrder, RangeRequest_SortTarget } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { CommitFanout } from "./commit-fanout.js";
import { ConcurrencyError, ConcurrencyMessage } from "./errors.js";
import { prefixEnd } from "./keys.js";

/**
 * etcd's waitDeletes: resolves once no key under `prefix` has a create
 * revision ≤ `maxCreateRev`. Re-checks whenever a published revision deletes
 * a key under the prefix; rejects with "context canceled" if `signal` aborts.
 */
export function waitDeletes(brain: Brain, prefix: Buffer, maxCreateRev: number, signal?: AbortSignal): Promise<void> {
  const req = RangeRequest.fromPartial({
    key: prefix,
    rangeEnd: prefixEnd(prefix),
    sortOrder: RangeRequest_SortOrder.Descend,
    sortTarget: RangeRequest_SortTarget.Create,
    maxCreateRevision: BigInt(maxCreateRev),
    limit: 1n,
  });
  const clear = () => brain.store.range(req).kvs.length === 0;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ConcurrencyError(ConcurrencyMessage.Canceled));
      return;
    }
    if (clear()) {
      resolve();
      return;
    }
    const onAbort = () => {
      unsubscribe();
      reject(new ConcurrencyError(ConcurrencyMessage.Canceled));
    };
    const unsubscribe = CommitFanout.of(brain.store).subscribe((r) => {
      const deletes = r.changes.some((kv) => kv.tombstone && kv.key.subarray(0, prefix.length).equals(prefix));
      if (!deletes || !clear()) return;
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

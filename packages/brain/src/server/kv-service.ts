import type { KVServer } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { BrainError, ErrorCode } from "../errors.js";
import { type ReferenceCall, rangeByReference } from "./range-refs.js";
import { encodedRange } from "./range-response-encoder.js";
import { requestSize } from "./request-size.js";
import { unary } from "./unary.js";

/** etcd's KV service over the store. */
export function kvService(brain: Brain): KVServer {
  const checkSize = (req: object) => {
    if (requestSize(req) > brain.config.maxRequestBytes) throw new BrainError(ErrorCode.RequestTooLarge);
  };
  return {
    range: unary(
      (req, call) =>
        ((call as ReferenceCall).byReference ? rangeByReference(brain, req) : encodedRange(brain, req)) ??
        brain.fill(brain.store.range(req)),
    ),
    put: unary(async (req) => {
      checkSize(req);
      brain.checkQuota(requestSize(req));
      return brain.fill(await brain.store.put(req));
    }),
    deleteRange: unary(async (req) => {
      checkSize(req);
      return brain.fill(await brain.store.deleteRange(req));
    }),
    txn: unary(async (req) => {
      checkSize(req);
      if (brain.txnWrites(req)) brain.checkQuota(requestSize(req));
      return brain.fill(await brain.store.txn(req));
    }),
    compact: unary(async (req) => brain.fill(await brain.compact(Number(req.revision), req.physical))),
  };
}

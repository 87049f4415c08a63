import type { lock } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { lock as acquire, unlock } from "../concurrency/mutex.js";
import { concurrencyUnary } from "./concurrency-unary.js";

/** etcd's Lock service (v3lock): a thin adapter over concurrency/mutex.ts. */
export function lockService(brain: Brain): lock.LockServer {
  return {
    lock: concurrencyUnary(async (req: lock.LockRequest, signal) =>
      brain.fill(await acquire(brain, req.name, req.lease, signal)),
    ),
    unlock: concurrencyUnary(async (req: lock.UnlockRequest) => brain.fill(await unlock(brain, req.key))),
  };
}

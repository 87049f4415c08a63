import type { ServerDuplexStream, ServiceError } from "@grpc/grpc-js";
import type { LeaseKeepAliveRequest, LeaseKeepAliveResponse, LeaseServer } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { ErrorCode } from "../errors.js";
import type { Lease } from "../lease/lease.js";
import { isBrainError, toServiceError } from "./grpc-status.js";
import { unary } from "./unary.js";

/** etcd's Lease service over the lessor (etcd's v3rpc/lease.go plus its quota wrapper). */
export function leaseService(brain: Brain): LeaseServer {
  const lessor = brain.lessor;
  return {
    leaseGrant: unary(async (req) => {
      brain.checkQuota();
      const l = await lessor.grant(req.ID, req.TTL);
      return brain.fill({ header: undefined, ID: l.id, TTL: BigInt(l.ttl), error: "" });
    }),
    leaseRevoke: unary(async (req) => {
      await lessor.revoke(req.ID);
      return brain.fill({ header: undefined });
    }),
    leaseTimeToLive: unary((req) => {
      const found = lessor.lookup(req.ID);
      // etcd answers an unknown lease with TTL -1 rather than an error.
      if (!found) return brain.fill({ header: undefined, ID: req.ID, TTL: -1n, grantedTTL: 0n, keys: [] });
      const { lease, remaining } = found;
      return brain.fill({
        header: undefined,
        ID: req.ID,
        TTL: BigInt(remaining),
        grantedTTL: BigInt(lease.ttl),
        keys: req.keys ? [...lease.keys].sort().map((k) => Buffer.from(k, "latin1")) : [],
      });
    }),
    leaseLeases: unary(() =>
      brain.fill({ header: undefined, leases: lessor.leases().map((l: Lease) => ({ ID: l.id })) }),
    ),
    leaseKeepAlive: (call) => keepAlive(brain, call),
  };
}

/** Answers each keep-alive in order; an unknown or revoked lease gets TTL 0, as in etcd. */
function keepAlive(brain: Brain, call: ServerDuplexStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>): void {
  let chain = Promise.resolve();
  let failed = false;
  call.on("data", (req: LeaseKeepAliveRequest) => {
    chain = chain.then(async () => {
      if (failed || call.cancelled) return;
      // The header is taken before renewing, as etcd does, so it never shows a later revision than the renewal.
      const header = brain.fill(undefined);
      let ttl: number;
      try {
        ttl = await brain.lessor.renew(req.ID);
      } catch (e) {
        if (!isBrainError(e, ErrorCode.LeaseNotFound)) {
          failed = true;
          call.emit("error", toServiceError(e) as ServiceError);
          return;
        }
        ttl = 0;
      }
      if (!call.cancelled) call.write({ header, ID: req.ID, TTL: BigInt(ttl) });
    });
  });
  call.on("end", () => {
    chain = chain.then(() => {
      if (!failed && !call.cancelled) call.end();
    });
  });
  call.on("error", () => undefined);
}

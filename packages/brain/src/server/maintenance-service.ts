import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { status as grpcStatus, type ServiceError } from "@grpc/grpc-js";
import { AlarmRequest_AlarmAction, type AlarmResponse, type MaintenanceServer } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { BrainError, ErrorCode } from "../errors.js";
import { hashAll, hashKV } from "../mvcc/hash.js";
import { toServiceError } from "./grpc-status.js";
import { unary } from "./unary.js";

/** The etcd version brain reports: ≥ 3.5.13 so kube-apiserver 1.31 enables consistent reads from its cache. */
export const ETCD_VERSION = "3.5.16";

/** etcd streams snapshots in chunks of this size. */
const SNAPSHOT_CHUNK = 32 * 1024;

export function maintenanceService(brain: Brain): MaintenanceServer {
  let snapshots = 0;
  return {
    status: unary(() => {
      const size = brain.engine.size();
      const rev = BigInt(brain.store.currentRev);
      return {
        header: brain.fill(undefined),
        version: ETCD_VERSION,
        dbSize: BigInt(size.total),
        dbSizeInUse: BigInt(size.inUse),
        leader: brain.memberId,
        raftIndex: rev,
        raftTerm: brain.raftTerm,
        raftAppliedIndex: rev,
        errors: brain.alarmErrors(),
        isLearner: false,
      };
    }),
    alarm: unary(async (req): Promise<AlarmResponse> => {
      const resp: AlarmResponse = { header: undefined, alarms: [] };
      switch (req.action) {
        case AlarmRequest_AlarmAction.Get:
          resp.alarms = brain.alarms.get(req.alarm);
          break;
        case AlarmRequest_AlarmAction.Activate: {
          const m = await brain.alarms.activate(req.memberID, req.alarm);
          if (m) resp.alarms.push(m);
          break;
        }
        case AlarmRequest_AlarmAction.Deactivate: {
          const m = await brain.alarms.deactivate(req.memberID, req.alarm);
          if (m) resp.alarms.push(m);
          break;
        }
      }
      return brain.fill(resp);
    }),
    // lmdb reuses freed pages in place and never needs a rewrite to reclaim them,
    // so defragmentation has nothing to do; the call succeeds as etcd's does.
    defragment: unary(() => brain.fill({ header: undefined })),
    hash: unary(() => brain.fill({ header: undefined, hash: hashAll(brain.engine) })),
    hashKv: unary((req) => {
      const hash = hashKV(brain.engine, Number(req.revision), brain.store.currentRev, brain.store.compactRev);
      return brain.fill({ header: undefined, hash, compactRevision: BigInt(brain.store.compactRev) });
    }),
    snapshot: (call) => {
      // A consistent copy of the engine, streamed in chunks and followed by its
      // sha256 as etcd does, so that clients can verify what they saved.
      const file = join(brain.config.dataDir, `snapshot-${process.pid}-${++snapshots}.tmp`);
      const fail = (e: unknown) => {
        void rm(file, { force: true });
        call.emit("error", toServiceError(e) as ServiceError);
      };
      brain.engine
        .backup(file)
        .then(async () => {
          const size = (await stat(file)).size;
          const sha = createHash("sha256");
          let sent = 0;
          const header = brain.fill(undefined);
          for await (const chunk of createReadStream(file, { highWaterMark: SNAPSHOT_CHUNK })) {
            const blob = chunk as Buffer;
            sha.update(blob);
            sent += blob.length;
            if (!call.write({ header, remainingBytes: BigInt(size - sent + 32), blob })) {
              await new Promise((r) => call.once("drain", r));
            }
            if (call.cancelled) throw new BrainError(ErrorCode.Canceled);
          }
          call.write({ header, remainingBytes: 0n, blob: sha.digest() });
          call.end();
          await rm(file, { force: true });
        })
        .catch(fail);
    },
    moveLeader: unary((req) => {
      // With one member the only possible leader is this one.
      if (req.targetID !== brain.memberId) throw new BrainError(ErrorCode.BadLeaderTransferee);
      return brain.fill({ header: undefined });
    }),
    downgrade: (_call, callback) => {
      callback({
        code: grpcStatus.UNIMPLEMENTED,
        details: "unknown method Downgrade for service etcdserverpb.Maintenance",
      });
    },
  };
}

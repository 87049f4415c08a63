import type { MaintenanceServer } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { BrainError, ErrorCode } from "../errors.js";
import { unary } from "./unary.js";

/** The etcd version brain reports: ≥ 3.5.13 so kube-apiserver 1.31 enables consistent reads from its cache. */
export const ETCD_VERSION = "3.5.16";

export function maintenanceService(brain: Brain): MaintenanceServer {
  const unimplemented = (name: string) =>
    unary(() => {
      throw new BrainError(ErrorCode.Unimplemented, `unknown method ${name} for service etcdserverpb.Maintenance`);
    });
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
    alarm: unimplemented("Alarm"),
    defragment: unimplemented("Defragment"),
    hash: unimplemented("Hash"),
    hashKv: unimplemented("HashKV"),
    snapshot: (call) => {
      call.emit("error", { code: 12, details: "unknown method Snapshot for service etcdserverpb.Maintenance" });
    },
    moveLeader: unimplemented("MoveLeader"),
    downgrade: unimplemented("Downgrade"),
  };
}

import type { ClusterServer, Member } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { BrainError, ErrorCode } from "../errors.js";
import { unary } from "./unary.js";

/** A single-member cluster: MemberList lists this member; changes are refused the way etcd refuses them. */
export function clusterService(brain: Brain): ClusterServer {
  const self = (): Member => ({
    ID: brain.memberId,
    name: brain.config.name,
    peerURLs: brain.peerUrls,
    clientURLs: brain.clientUrls,
    isLearner: false,
  });
  return {
    memberList: unary(() => ({ header: { ...brain.fill(undefined), revision: 0n }, members: [self()] })),
    memberAdd: unary(() => {
      // A single-member store cannot grow a raft group; etcd refuses member
      // changes it cannot carry out with FailedPrecondition codes of this kind.
      throw new BrainError(ErrorCode.NotCapable);
    }),
    memberRemove: unary((req) => {
      if (req.ID !== brain.memberId) throw new BrainError(ErrorCode.MemberNotFound);
      throw new BrainError(ErrorCode.NotCapable);
    }),
    memberUpdate: unary((req) => {
      if (req.ID !== brain.memberId) throw new BrainError(ErrorCode.MemberNotFound);
      throw new BrainError(ErrorCode.NotCapable);
    }),
    memberPromote: unary((req) => {
      if (req.ID !== brain.memberId) throw new BrainError(ErrorCode.MemberNotFound);
      throw new BrainError(ErrorCode.MemberNotLearner);
    }),
  };
}

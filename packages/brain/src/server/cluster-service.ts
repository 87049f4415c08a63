import type { ClusterServer, Member, ResponseHeader } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { BrainError, ErrorCode } from "../errors.js";
import { unary } from "./unary.js";

/**
 * etcd's Cluster service for a one-member cluster. Requests are validated as
 * etcd validates them and answered with etcd's errors; the one change etcd
 * would carry out and brain cannot, adding a raft member, is refused with a
 * FailedPrecondition that says how brain grows instead.
 */
export function clusterService(brain: Brain): ClusterServer {
  const self = (): Member => ({
    ID: brain.memberId,
    name: brain.config.name,
    peerURLs: brain.peerUrls,
    clientURLs: brain.clientUrls,
    isLearner: false,
  });
  // etcd's cluster server header has identity and term but no revision.
  const header = (): ResponseHeader => ({ ...brain.fill(undefined), revision: 0n });
  return {
    memberList: unary(() => ({ header: header(), members: [self()] })),
    memberAdd: unary((req) => {
      checkPeerUrls(req.peerURLs);
      if (req.peerURLs.some((u) => brain.peerUrls.includes(u))) throw new BrainError(ErrorCode.PeerURLExist);
      throw new BrainError(ErrorCode.MemberAddUnsupported);
    }),
    memberRemove: unary((req) => {
      if (req.ID !== brain.memberId) throw new BrainError(ErrorCode.MemberNotFound);
      // Removing the only member would leave no quorum; etcd's strict reconfiguration check refuses it.
      throw new BrainError(ErrorCode.MemberNotEnoughStarted);
    }),
    memberUpdate: unary(async (req) => {
      if (req.ID !== brain.memberId) throw new BrainError(ErrorCode.MemberNotFound);
      await brain.setPeerUrls(req.peerURLs);
      return { header: header(), members: [self()] };
    }),
    memberPromote: unary((req) => {
      if (req.ID !== brain.memberId) throw new BrainError(ErrorCode.MemberNotFound);
      throw new BrainError(ErrorCode.MemberNotLearner);
    }),
  };
}

/** etcd's types.NewURLs: at least one URL, each http(s)/unix(s) with host:port and no path. */
function checkPeerUrls(urls: string[]): void {
  if (urls.length === 0) throw new BrainError(ErrorCode.MemberBadURLs);
  for (const raw of urls) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new BrainError(ErrorCode.MemberBadURLs);
    }
    const scheme = u.protocol.slice(0, -1);
    if (!["http", "https", "unix", "unixs"].includes(scheme)) throw new BrainError(ErrorCode.MemberBadURLs);
    if ((scheme === "http" || scheme === "https") && (u.port === "" || (u.pathname !== "" && u.pathname !== "/"))) {
      throw new BrainError(ErrorCode.MemberBadURLs);
    }
  }
}

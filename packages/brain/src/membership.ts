import { createHash } from "node:crypto";

// Member and cluster identity computed the way etcd computes them at
// bootstrap, so that the same flags give the same IDs as etcd would.

/** sha1(sorted peer URLs joined + cluster token), first 8 bytes big-endian. */
export function computeMemberId(peerUrls: string[], clusterToken: string): bigint {
  const joined = [...peerUrls].sort().join("");
  const hash = createHash("sha1")
    .update(joined + clusterToken)
    .digest();
  return hash.readBigUInt64BE(0);
}

/** sha1 of the sorted member IDs as 8-byte big-endian words, first 8 bytes. */
export function computeClusterId(memberIds: bigint[]): bigint {
  const ids = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const b = Buffer.alloc(8 * ids.length);
  ids.forEach((id, i) => {
    b.writeBigUInt64BE(id, 8 * i);
  });
  return createHash("sha1").update(b).digest().readBigUInt64BE(0);
}

export interface Member {
  id: bigint;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
}

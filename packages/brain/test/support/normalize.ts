// Normalises responses so brain's and etcd's can be compared field by field:
// member/cluster identity and raft terms are dropped from headers, revisions
// are made relative to the revision at which a case started, bytes become
// strings and bigints numbers.

const REVISION_FIELDS = new Set([
  "revision",
  "createRevision",
  "modRevision",
  "compactRevision",
  "create_revision",
  "mod_revision",
  "compact_revision",
]);
const DROPPED = new Set(["clusterId", "memberId", "raftTerm", "cluster_id", "member_id", "raft_term"]);

export function normalize(value: unknown, base: number): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Buffer.isBuffer(value)) return value.toString("latin1");
  if (Array.isArray(value)) return value.map((v) => normalize(v, base));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DROPPED.has(k) || v === undefined) continue;
      if (REVISION_FIELDS.has(k) && (typeof v === "bigint" || typeof v === "number")) {
        const n = Number(v);
        out[k] = n === 0 ? 0 : `r${n - base}`;
      } else {
        out[k] = normalize(v, base);
      }
    }
    return out;
  }
  return value;
}

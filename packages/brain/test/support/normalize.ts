// Normalises responses so brain's and etcd's can be compared field by field:
// revisions are made relative to the revision at which a case started, bytes
// become strings, bigints numbers (decimal strings above 2^53), and the side's own client endpoint (the
// servers listen on different ports) becomes "<endpoint>". Member and cluster
// IDs and raft terms are compared: the harness starts brain with etcd's peer
// URL and cluster token, so brain derives the same IDs.

const REVISION_FIELDS = new Set([
  "revision",
  "createRevision",
  "modRevision",
  "compactRevision",
  "create_revision",
  "mod_revision",
  "compact_revision",
]);

export function normalize(value: unknown, base: number, endpoint?: string): unknown {
  // Exact: IDs above 2^53 (member, cluster, lease) stay decimal strings rather than rounding.
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) return value.toString("latin1");
  if (typeof value === "string" && endpoint && value.includes(endpoint)) {
    return value.split(endpoint).join("<endpoint>");
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v, base, endpoint));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const numeric = typeof v === "bigint" || typeof v === "number" || (typeof v === "string" && /^\d+$/.test(v));
      if (REVISION_FIELDS.has(k) && numeric) {
        const n = Number(v);
        out[k] = n === 0 ? 0 : `r${n - base}`;
      } else {
        out[k] = normalize(v, base, endpoint);
      }
    }
    return out;
  }
  return value;
}

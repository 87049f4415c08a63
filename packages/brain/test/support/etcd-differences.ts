// The one allow-list of differences between brain and the Debian etcd 3.4.23
// the differential suite runs against. Every entry is a row of the table
// "Differences from etcd 3.4.23" in docs/brain.md (checked by
// etcd-differences-doc.test.ts), and carries a rule the harness applies to
// both transcripts before comparing them. A rule only rewrites a value when
// that side's value is what the entry says it is (etcd 3.4's behaviour on the
// etcd side, brain's on the brain side), so an unexpected answer still fails
// the comparison. A rule that never matches during a suite that declares it is
// a stale entry and fails that suite (see assertAllowListUsed).

export type SideName = "etcd" | "brain";

/**
 * The differential suites, by the name each passes to startPair. A suite that passes none ("unnamed") gets every
 * rule applied and no staleness check.
 */
export type SuiteName =
  | "kv"
  | "lease"
  | "watch"
  | "watch-progress-notify"
  | "kube-apiserver-shapes"
  | "clients"
  | "election-lock"
  | "cluster"
  | "unnamed";

/**
 * Where a difference shows and what each side must answer there. Paths are
 * JSON paths into a step's normalised value: `$` is the value, `.name` a
 * field, `[3]` an array element (e.g. `$.ok.version`, `$[0].Status.dbSize`).
 */
export interface DifferenceRule {
  /** The steps (by transcript label) the rule looks at. */
  step: RegExp;
  /** The paths within such a step whose values are concerned. */
  path: RegExp;
  /** What etcd 3.4.23's value at such a path must be for the rule to apply. */
  etcd: (value: unknown) => boolean;
  /** What brain's value at such a path must be for the rule to apply. */
  brain: (value: unknown) => boolean;
  /**
   * "replace" (default): the value becomes `<allowed:ID>` on both sides.
   * "delete": the field is removed (for a field only one version sends).
   */
  action?: "replace" | "delete";
}

export interface AllowedDifference {
  /** Stable id; also the placeholder `<allowed:ID>`. */
  id: string;
  /** The first column of the docs table, verbatim. */
  what: string;
  /** What brain does (second column). */
  brain: string;
  /** Why (third column). */
  why: string;
  /** The suites in which the rule must match at least once (and the only ones it applies in). */
  suites: SuiteName[];
  rule: DifferenceRule;
}

const isPositiveInt = (v: unknown): boolean =>
  (typeof v === "number" && Number.isInteger(v) && v > 0) ||
  (typeof v === "string" && /^[1-9]\d*$/.test(v) && BigInt(v) <= 0x7fffffffffffffffn);
const isRelativeRevision = (v: unknown): boolean => typeof v === "string" && /^r\d+$/.test(v);

/** "3.5.16" ≥ 3.5.13, the version kube-apiserver 1.31 needs. */
function atLeast3513(v: unknown): boolean {
  if (typeof v !== "string") return false;
  const [major, minor, patch] = v.split(".").map(Number);
  return major! > 3 || (major === 3 && (minor! > 5 || (minor === 5 && patch! >= 13)));
}

type Response = { watchId?: number; created?: boolean; canceled?: boolean; compactRevision?: unknown };

/** Steps that carry a Maintenance.Status answer (gRPC, etcdctl endpoint status, the etcd3 client). */
const STATUS_STEP = /status/;

export const etcdDifferences: AllowedDifference[] = [
  {
    id: "member-add",
    what: "`MemberAdd` of a new peer URL",
    brain: "FailedPrecondition, saying to start a replica on shared storage",
    why: "brain members are stateless replicas of one store, not raft voters; etcd would add an unstarted member",
    suites: ["cluster"],
    rule: {
      step: /member add new peer/,
      path: /^\$$/,
      etcd: (v) => typeof v === "object" && v !== null && "ok" in v,
      brain: (v) =>
        (v as { error?: { code?: number; details?: string } }).error?.code === 9 &&
        /brain does not grow by MemberAdd/.test((v as { error: { details: string } }).error.details),
    },
  },
  {
    id: "status-version",
    what: "`Status.version`",
    brain: "3.5.16",
    why: "kube-apiserver 1.31 enables consistent reads from its cache only for ≥ 3.5.13",
    suites: ["kube-apiserver-shapes", "clients"],
    rule: {
      step: STATUS_STEP,
      path: /^\$(\.ok|\[\d+\]\.Status)?\.version$/,
      etcd: (v) => typeof v === "string" && v.startsWith("3.4."),
      brain: atLeast3513,
    },
  },
  {
    id: "status-db-size",
    what: "`Status.dbSize`, `Status.dbSizeInUse`",
    brain: "lmdb's file size and bytes in use",
    why: "the sizes of two different engines' files (bbolt pages vs lmdb pages); only being positive is comparable",
    suites: ["clients"],
    rule: {
      step: STATUS_STEP,
      path: /^\$(\.ok|\[\d+\]\.Status)?\.(dbSize|dbSizeInUse)$/,
      etcd: isPositiveInt,
      brain: isPositiveInt,
    },
  },
  {
    id: "status-raft-index",
    what: "`Status.raftIndex`, `Status.raftAppliedIndex`",
    brain: "the current revision",
    why: "brain has no raft log; etcd counts raft entries, which include membership, lease and compaction entries that do not change the revision",
    suites: ["clients"],
    rule: {
      step: STATUS_STEP,
      path: /^\$(\.ok|\[\d+\]\.Status)?\.(raftIndex|raftAppliedIndex)$/,
      etcd: isPositiveInt,
      brain: isPositiveInt,
    },
  },
  {
    id: "alarm-header",
    what: "`Alarm` response header",
    brain: "filled (cluster, member, revision, term)",
    why: "as etcd 3.5, whose maintenance server fills it; 3.4 sends none",
    suites: ["clients"],
    rule: {
      step: /alarm/,
      path: /^\$(\.ok)?\.header$/,
      // etcd 3.4 sends no header, so only brain's side ever has this path.
      etcd: () => false,
      brain: (v) => typeof v === "object" && v !== null && isRelativeRevision((v as { revision?: unknown }).revision),
      action: "delete",
    },
  },
  {
    id: "lease-id",
    what: "server-chosen lease IDs",
    brain: "random positive int64",
    why: "etcd derives them from its member ID and a clock-seeded counter (raft request IDs); brain has no raft IDs, and clients treat lease IDs as opaque",
    suites: ["lease", "clients"],
    rule: {
      step: /server-chosen lease/,
      path: /(^|\.)(ID|id|leases\[\d+\](\.(ID|id))?)$/,
      etcd: isPositiveInt,
      brain: isPositiveInt,
    },
  },
  {
    id: "progress-while-catching-up",
    what: "Watch `ProgressRequest` while a watcher catches up",
    brain: "sent once all are synced",
    why: "etcd ≥ 3.5 answers only then (3.5.33 drops an early request, 3.6 defers it as brain does); 3.4 answers at once",
    suites: ["watch", "kube-apiserver-shapes"],
    rule: {
      step: /progress while catching up/,
      path: /^\$\.order$/,
      // The order of the stream's responses: "created", "progress" and "events". etcd 3.4 answers when the request
      // arrives: before the last events, or after them when its watcher had caught up by then (a slow host).
      etcd: (v) => Array.isArray(v) && v.includes("progress") && v.includes("events"),
      brain: (v) => Array.isArray(v) && v.indexOf("progress") > v.lastIndexOf("events") && v.includes("events"),
    },
  },
  {
    id: "progress-without-watchers",
    what: "Watch `ProgressRequest`, no watchers on the stream",
    brain: "no response",
    why: "as etcd 3.5; 3.4 answers with watch_id -1",
    suites: ["watch"],
    rule: {
      step: /progress on a stream without watchers/,
      path: /^\$$/,
      etcd: (v) => Array.isArray(v) && v.length === 1 && (v[0] as Response).watchId === -1,
      brain: (v) => Array.isArray(v) && v.length === 0,
    },
  },
  {
    id: "negative-start-revision",
    what: "Watch with `start_revision` < 0",
    brain: "refused as compacted",
    why: "as etcd 3.5 (created+canceled, watch_id -1); 3.4 creates a watcher and cancels it later as compacted",
    suites: ["watch"],
    rule: {
      step: /start -1/,
      path: /^\$\.first$/,
      etcd: (v) => {
        const r = v as Response;
        return r?.created === true && !r.canceled && r.watchId === 0;
      },
      brain: (v) => {
        const r = v as Response;
        return r?.created === true && r.canceled === true && r.watchId === -1;
      },
    },
  },
  {
    id: "compacted-cancel-header",
    what: "header of a compacted-watch cancel",
    brain: "current revision",
    why: "etcd 3.4 and 3.5 send revision 0 there; every other watch response carries the current revision",
    suites: ["watch"],
    rule: {
      step: /compact then watch/,
      path: /^\$\.cancel\.header\.revision$/,
      etcd: (v) => v === 0,
      brain: isRelativeRevision,
    },
  },
  // The two entries below belong to the Election/Lock suite (differential-election-lock.test.ts). That suite
  // still calls startPair() without a name, so every rule applies there but none is checked for staleness,
  // and it maps these answers itself; once it passes "election-lock" and calls finishSuite, these rules take
  // over from its own mapping.
];

/** How often each entry's rule has matched in this process. */
const matches = new Map<string, number>(etcdDifferences.map((d) => [d.id, 0]));

export const placeholder = (d: AllowedDifference): string => `<allowed:${d.id}>`;

/** Applies the suite's rules to one recorded step of one side; returns the rewritten value. */
export function applyDifferences(suite: SuiteName, side: SideName, label: string, value: unknown): unknown {
  let out = value;
  for (const d of etcdDifferences) {
    if ((suite !== "unnamed" && !d.suites.includes(suite)) || !d.rule.step.test(label)) continue;
    out = rewrite(out, "$", d, side);
  }
  return out;
}

function rewrite(value: unknown, path: string, d: AllowedDifference, side: SideName): unknown {
  if (d.rule.path.test(path) && d.rule[side](value)) {
    matches.set(d.id, (matches.get(d.id) ?? 0) + 1);
    return d.rule.action === "delete" ? DELETE : placeholder(d);
  }
  if (Array.isArray(value)) return value.map((v, i) => rewrite(v, `${path}[${i}]`, d, side));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = rewrite(v, `${path}.${k}`, d, side);
      if (r !== DELETE) out[k] = r;
    }
    return out;
  }
  return value;
}

const DELETE = Symbol("delete");

/** How often an entry matched so far (for tests of the harness). */
export function matchCount(id: string): number {
  return matches.get(id) ?? 0;
}

/**
 * Fails if an entry declared for `suite` never matched: the difference it
 * allows no longer shows (or no case exercises it), so the entry is stale.
 * Call from the suite's after() hook, once every case has run.
 */
export function assertAllowListUsed(suite: SuiteName): void {
  const stale = etcdDifferences.filter((d) => d.suites.includes(suite) && (matches.get(d.id) ?? 0) === 0);
  if (stale.length > 0) {
    throw new Error(
      `allow-list entries never matched in suite "${suite}" (stale, or no case exercises them): ${stale.map((d) => d.id).join(", ")}`,
    );
  }
}

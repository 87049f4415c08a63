// The status conditions kube-controller-manager 1.28's namespace deleter
// keeps on a terminating namespace (deletion/status_condition_utils.go):
// every pass sets all five, True with what went wrong or False with kube's
// "all is well" reason and message.

export interface NamespaceCondition {
  type: string;
  status: "True" | "False";
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The condition types in the order kube adds them, with their reason and message when all is well. */
const OK: [type: string, reason: string, message: string][] = [
  ["NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"],
  ["NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"],
  [
    "NamespaceDeletionContentFailure",
    "ContentDeleted",
    "All content successfully deleted, may be waiting on finalization",
  ],
  ["NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"],
  ["NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"],
];

/** What one pass found left: instances per "resource.group", and instances per finalizer. */
export interface ContentTotals {
  remaining: Map<string, number>;
  finalizers: Map<string, number>;
}

const sortedCounts = (m: Map<string, number>, text: (key: string, n: number) => string) =>
  [...m]
    .filter(([, n]) => n > 0)
    .map(([k, n]) => text(k, n))
    .sort();

/** Collects one pass's failures and totals, then writes them into a namespace's status. */
export class NamespaceConditionUpdater {
  private readonly found: NamespaceCondition[] = [];
  private readonly contentErrors: string[] = [];

  discoveryFailed(message: string): void {
    this.found.push({ type: "NamespaceDeletionDiscoveryFailure", status: "True", reason: "DiscoveryFailed", message });
  }

  groupVersionFailed(message: string): void {
    this.found.push({
      type: "NamespaceDeletionGroupVersionParsingFailure",
      status: "True",
      reason: "GroupVersionParsingFailed",
      message,
    });
  }

  contentDeletionFailed(message: string): void {
    this.contentErrors.push(message);
  }

  contentTotals(t: ContentTotals): void {
    if (t.remaining.size > 0) {
      const parts = sortedCounts(t.remaining, (r, n) => `${r} has ${n} resource instances`);
      this.found.push({
        type: "NamespaceContentRemaining",
        status: "True",
        reason: "SomeResourcesRemain",
        message: `Some resources are remaining: ${parts.join(", ")}`,
      });
    }
    if (t.finalizers.size > 0) {
      const parts = sortedCounts(t.finalizers, (f, n) => `${f} in ${n} resource instances`);
      this.found.push({
        type: "NamespaceFinalizersRemaining",
        status: "True",
        reason: "SomeFinalizersRemain",
        message: `Some content in the namespace has finalizers remaining: ${parts.join(", ")}`,
      });
    }
  }

  /**
   * Sets every condition type on `conditions` (in place): a changed one keeps
   * its place and moves its lastTransitionTime only when its status flips.
   * Returns whether anything changed.
   */
  apply(conditions: NamespaceCondition[], now: string): boolean {
    const found = [...this.found];
    if (this.contentErrors.length > 0 && !found.some((c) => c.type === "NamespaceDeletionContentFailure")) {
      const msgs = [...this.contentErrors].sort();
      found.push({
        type: "NamespaceDeletionContentFailure",
        status: "True",
        reason: "ContentDeletionFailed",
        message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(", ")}`,
      });
    }
    let changed = false;
    for (const [type, reason, message] of OK) {
      const next = found.find((c) => c.type === type) ?? { type, status: "False" as const, reason, message };
      const old = conditions.find((c) => c.type === type);
      if (!old) {
        conditions.push({
          type,
          status: next.status,
          lastTransitionTime: now,
          reason: next.reason,
          message: next.message,
        });
        changed = true;
      } else if (old.status !== next.status || old.reason !== next.reason || old.message !== next.message) {
        if (old.status !== next.status) old.lastTransitionTime = now;
        old.status = next.status;
        old.reason = next.reason;
        old.message = next.message;
        changed = true;
      }
    }
    return changed;
  }
}

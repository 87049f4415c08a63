import { conflict, formatTimestamp } from "@wharf/apimachinery";
import { checkDeleteOptions, type DeleteOptions } from "./delete-options.js";
import { deletesGracefully } from "./deletion-policy.js";
import type { DeletionMeta } from "./finalizers.js";
import type { ResourceDefinition } from "./resource-definition.js";
import type { KubeObject } from "./strategy.js";

// kube-apiserver 1.28's rest.BeforeDelete and the pod strategy's
// CheckGracefulDelete: the options' preconditions, and whether an object is
// deleted at once, given a deletion timestamp in the future, or already
// waits for one.

export interface BeforeDeleteResult {
  /** The object was given (or had shortened) a deletionTimestamp and grace period: update it, do not delete. */
  graceful: boolean;
  /** The object already waits for a longer or equal grace period: nothing to do. */
  pending: boolean;
}

/**
 * The pod strategy's CheckGracefulDelete: the grace period asked for, else
 * the pod's terminationGracePeriodSeconds; 0 for a pod no node runs
 * (unscheduled) or that has finished. Sets options.gracePeriodSeconds.
 */
export function checkPodGracefulDelete(pod: KubeObject, options: DeleteOptions): boolean {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  let period = options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 0;
  if (!spec.nodeName) period = 0;
  if (phase === "Failed" || phase === "Succeeded") period = 0;
  if (period < 0) period = 1;
  options.gracePeriodSeconds = period;
  return true;
}

const addSeconds = (ts: string, s: number) => formatTimestamp(new Date(Date.parse(ts) + s * 1000));

/**
 * rest.BeforeDelete on `obj` (a copy it may change): validates the options,
 * checks their preconditions (409 with kube's text), and for resources with
 * graceful deletion sets or shortens deletionTimestamp and
 * deletionGracePeriodSeconds. Negative grace periods count as 1 s.
 */
export function beforeDelete(
  def: ResourceDefinition,
  obj: KubeObject,
  options: DeleteOptions,
  now: Date,
): BeforeDeleteResult {
  const meta = (obj.metadata ?? {}) as DeletionMeta;
  checkDeleteOptions(options);
  const p = options.preconditions;
  // kube names the kind here, not the resource: `Operation cannot be fulfilled on Pod "x": ...`.
  const kindQualified = { group: def.group, resource: def.kind };
  if (p?.uid !== undefined && p.uid !== meta.uid) {
    throw conflict(
      kindQualified,
      meta.name ?? "",
      `the UID in the precondition (${p.uid}) does not match the UID in record (${meta.uid ?? ""}). The object might have been deleted and then recreated`,
    );
  }
  if (p?.resourceVersion !== undefined && p.resourceVersion !== meta.resourceVersion) {
    throw conflict(
      kindQualified,
      meta.name ?? "",
      `the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${meta.resourceVersion ?? ""}). The object might have been modified`,
    );
  }
  if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) options.gracePeriodSeconds = 1;
  if (meta.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds < 0) {
    meta.deletionGracePeriodSeconds = 1;
  }
  if (!deletesGracefully(def)) return { graceful: false, pending: false };
  if (meta.deletionTimestamp !== undefined) {
    // Already being deleted: only a shorter grace period changes anything.
    const current = meta.deletionGracePeriodSeconds;
    if (!current) return { graceful: false, pending: false };
    if (options.gracePeriodSeconds !== undefined) {
      const period = options.gracePeriodSeconds;
      if (period >= current) return { graceful: false, pending: true };
      meta.deletionTimestamp = addSeconds(meta.deletionTimestamp, period - current);
      meta.deletionGracePeriodSeconds = period;
      return { graceful: true, pending: false };
    }
    options.gracePeriodSeconds = current;
    return { graceful: false, pending: true };
  }
  if (!checkPodGracefulDelete(obj, options)) return { graceful: false, pending: false };
  const period = options.gracePeriodSeconds!;
  meta.deletionTimestamp = formatTimestamp(new Date(now.getTime() + period * 1000));
  meta.deletionGracePeriodSeconds = period;
  if ((meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
  obj.metadata = meta;
  return { graceful: true, pending: false };
}

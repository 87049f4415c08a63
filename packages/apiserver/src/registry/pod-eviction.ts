import { isDeepStrictEqual } from "node:util";
import {
  badRequest,
  forbidden,
  formatTimestamp,
  labelSelectorFromObject,
  plainError,
  type Status,
  StatusError,
  timeout,
  tooManyRequests,
} from "@wharf/apimachinery";
import { checkDeleteOptions, type DeleteOptions, isDryRun } from "./delete-options.js";
import type { GenericStore, KubeObject, ObjectMeta } from "./generic-store.js";

// POST pods/<name>/eviction (policy/v1 Eviction), as kube 1.28's
// EvictionREST: a pod that is pending, finished or already being deleted is
// deleted at once; otherwise the one PodDisruptionBudget covering it must
// allow a disruption, which the eviction takes (status.disruptionsAllowed
// down by one, the pod in status.disruptedPods) before the pod is deleted.
// What the disruption controller keeps in a PDB's status is read as it is:
// without that controller a covered running pod is refused, as in kube.

type Obj = Record<string, unknown>;

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  disruptedPods?: Record<string, string>;
  conditions?: Obj[];
}

/** kube's MaxDisruptedPodSize: evictions approved but not yet seen by the disruption controller. */
const MAX_DISRUPTED_POD_SIZE = 2000;
/** kube retries conflicts 20 times (EvictionsRetry). */
const CONFLICT_RETRIES = 20;

const VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget.";

/** The TooManyRequests kube answers while a budget's status is behind its spec. */
function budgetBeingProcessed(name: string): StatusError {
  const e = tooManyRequests(VIOLATES, 10);
  e.status.details = {
    ...e.status.details,
    causes: [
      { reason: "DisruptionBudget", message: `The disruption budget ${name} is still being processed by the server.` },
    ],
  };
  return e;
}

const isConflict = (e: unknown) => e instanceof StatusError && e.status.code === 409;

function phaseOf(pod: KubeObject): string {
  return String((pod.status as Obj | undefined)?.phase ?? "");
}

/** canIgnorePDB: evicting a pod that is pending, finished or being deleted disrupts nothing. */
function canIgnoreBudget(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return (
    phase === "Succeeded" ||
    phase === "Failed" ||
    phase === "Pending" ||
    Boolean((pod.metadata as ObjectMeta).deletionTimestamp)
  );
}

function isReady(pod: KubeObject): boolean {
  const conditions = ((pod.status as Obj | undefined)?.conditions ?? []) as Obj[];
  return conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** The options with a resourceVersion precondition on the pod read, unless the client gave one. */
function pinned(options: DeleteOptions, pod: KubeObject): DeleteOptions {
  return {
    ...options,
    preconditions: { ...options.preconditions, resourceVersion: (pod.metadata as ObjectMeta).resourceVersion },
  };
}

/** The eviction's DeleteOptions with the request's dryRun carried in (propagateDryRun). */
function deleteOptionsOf(eviction: KubeObject, dryRun: boolean): DeleteOptions {
  const given = eviction.deleteOptions as DeleteOptions | undefined;
  const query = dryRun ? ["All"] : [];
  if (!given) return { dryRun: query };
  if (!given.dryRun || given.dryRun.length === 0) return { ...given, dryRun: query };
  if (query.length > 0 && !isDeepStrictEqual(query, given.dryRun)) {
    throw plainError(
      `Non-matching dry-run options in request and content: [${query.join(" ")}] and [${given.dryRun.join(" ")}]`,
    );
  }
  return given;
}

/** The budgets of the pod's namespace whose selector picks it (a missing or empty selector picks nothing). */
async function budgetsOf(pdbs: GenericStore, namespace: string, pod: KubeObject): Promise<KubeObject[]> {
  const list = (await pdbs.list({ namespace })).items as KubeObject[];
  const labels = (pod.metadata as ObjectMeta).labels ?? {};
  return list.filter((pdb) => {
    try {
      const selector = labelSelectorFromObject((pdb.spec as Obj | undefined)?.selector as never);
      return !selector.empty() && selector.matches(labels);
    } catch {
      return false;
    }
  });
}

/** checkAndDecrement: takes one allowed disruption from the budget for the pod, or says why not. */
async function takeDisruption(
  pdbs: GenericStore,
  namespace: string,
  podName: string,
  pdbName: string,
  dryRun: boolean,
) {
  for (let attempt = 0; ; attempt++) {
    const pdb = await pdbs.get(namespace, pdbName);
    const meta = pdb.metadata as ObjectMeta;
    const status = (pdb.status ?? {}) as PdbStatus;
    if ((status.observedGeneration ?? 0) < (meta.generation ?? 0)) throw budgetBeingProcessed(pdbName);
    const allowed = status.disruptionsAllowed ?? 0;
    const qualified = { group: "policy", resource: "poddisruptionbudget" };
    if (allowed < 0) throw forbidden(qualified, pdbName, "pdb disruptions allowed is negative");
    if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
      throw forbidden(
        qualified,
        pdbName,
        "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
      );
    }
    if (allowed === 0) {
      const e = tooManyRequests(VIOLATES, 0);
      e.status.details = {
        causes: [
          {
            reason: "DisruptionBudget",
            message: `The disruption budget ${pdbName} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
          },
        ],
      };
      throw e;
    }
    if (dryRun) return;
    const now = formatTimestamp(new Date());
    const next: PdbStatus = {
      ...status,
      disruptionsAllowed: allowed - 1,
      disruptedPods: { ...(status.disruptedPods ?? {}), [podName]: now },
    };
    if (allowed - 1 === 0) next.conditions = withDisruptionAllowedFalse(status, now);
    try {
      await pdbs.write(
        namespace,
        pdbName,
        { metadata: { name: pdbName, resourceVersion: meta.resourceVersion }, status: next },
        "status",
      );
      return;
    } catch (e) {
      if (!isConflict(e) || attempt + 1 >= CONFLICT_RETRIES) {
        if (isConflict(e)) {
          throw timeout(`couldn't update PodDisruptionBudget "${pdbName}" due to conflicts`, 10);
        }
        throw e;
      }
    }
  }
}

/** UpdateDisruptionAllowedCondition once no disruption is left: DisruptionAllowed False, InsufficientPods. */
function withDisruptionAllowedFalse(status: PdbStatus, now: string): Obj[] {
  const conditions = [...(status.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === "DisruptionAllowed");
  const old = i >= 0 ? conditions[i]! : undefined;
  const c: Obj = {
    type: "DisruptionAllowed",
    status: "False",
    observedGeneration: status.observedGeneration ?? 0,
    lastTransitionTime: old && old.status === "False" ? old.lastTransitionTime : now,
    reason: "InsufficientPods",
    message: "",
  };
  if (i >= 0) conditions[i] = c;
  else conditions.push(c);
  return conditions;
}

/** Evicts one pod; the Status is what kube answers (201, Success, or a Failure Status with code 500). */
export async function evictPod(
  pods: GenericStore,
  pdbs: GenericStore,
  namespace: string,
  urlName: string,
  eviction: KubeObject,
  dryRun: boolean,
): Promise<Status> {
  const meta = (eviction.metadata ?? {}) as ObjectMeta;
  if ((meta.name ?? "") !== urlName) throw badRequest("name in URL does not match name in Eviction object");
  if (meta.namespace && meta.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const options = deleteOptionsOf(eviction, dryRun);
  checkDeleteOptions(options);
  const clientPinned = options.preconditions?.resourceVersion !== undefined;
  const success = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } as Status;

  // A pod whose eviction disrupts nothing is deleted at once (pinned to the version read, unless it is finished).
  let pod: KubeObject;
  for (let attempt = 0; ; attempt++) {
    pod = await pods.get(namespace, urlName);
    if (!canIgnoreBudget(pod)) break;
    const enforce =
      phaseOf(pod) !== "Succeeded" && phaseOf(pod) !== "Failed" && !(pod.metadata as ObjectMeta).deletionTimestamp;
    try {
      await pods.deleteWithOptions(namespace, urlName, enforce && !clientPinned ? pinned(options, pod) : options);
      return success;
    } catch (e) {
      if (clientPinned || !isConflict(e) || attempt + 1 >= CONFLICT_RETRIES) throw e;
    }
  }

  const budgets = await budgetsOf(pdbs, namespace, pod);
  if (budgets.length > 1) {
    // Answered, not thrown: kube's handler writes this Status with the create's 201.
    return plainError(
      "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    ).status;
  }
  let pinToRead = false;
  const pdb = budgets[0];
  if (pdb) {
    const spec = (pdb.spec ?? {}) as { unhealthyPodEvictionPolicy?: string };
    const status = (pdb.status ?? {}) as PdbStatus;
    const desired = status.desiredHealthy ?? 0;
    // An unready pod does not count as healthy: taking it away costs no disruption when the policy says so, or
    // when the budget is met without it. The delete is then pinned to the pod as read, lest it became ready.
    if (
      !isReady(pod) &&
      (spec.unhealthyPodEvictionPolicy === "AlwaysAllow" || ((status.currentHealthy ?? 0) >= desired && desired > 0))
    ) {
      pinToRead = true;
    } else {
      await takeDisruption(pdbs, namespace, urlName, (pdb.metadata as ObjectMeta).name!, isDryRun(options));
    }
  }
  try {
    await pods.deleteWithOptions(namespace, urlName, pinToRead ? pinned(options, pod) : options);
  } catch (e) {
    if (isConflict(e) && pinToRead && !clientPinned) throw budgetBeingProcessed((pdb!.metadata as ObjectMeta).name!);
    throw e;
  }
  return success;
}

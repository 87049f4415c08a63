import type { KubeObject } from "../strategy.js";

// The FlowSchemas and PriorityLevelConfigurations kube-apiserver 1.28's
// priority-and-fairness config producer keeps in the cluster, as
// flowcontrol.apiserver.k8s.io/v1beta3 objects (the version 1.28 stores),
// with kube's rules for keeping them up to date.

const API_VERSION = "flowcontrol.apiserver.k8s.io/v1beta3";
/** Set to "true" on every object kube makes; "false" keeps an operator's edits of a suggested object. */
export const AUTO_UPDATE_ANNOTATION = "apf.kubernetes.io/autoupdate-spec";

type Obj = Record<string, unknown>;

const ALL = ["*"];
const groups = (...names: string[]) => names.map((name) => ({ kind: "Group", group: { name } }));
const users = (...names: string[]) => names.map((name) => ({ kind: "User", user: { name } }));
const kubeSystemServiceAccounts = (...names: string[]) =>
  names.map((name) => ({ kind: "ServiceAccount", serviceAccount: { namespace: "kube-system", name } }));
/** A resource rule; `clusterScope` is left out when false, as Go's omitempty does. */
const resourceRule = (verbs: string[], apiGroups: string[], resources: string[], clusterScope: boolean): Obj => ({
  verbs,
  apiGroups,
  resources,
  ...(clusterScope ? { clusterScope } : {}),
  namespaces: ALL,
});
/** Every verb on every resource and every non-resource URL. */
const everything = (subjects: Obj[]): Obj => ({
  subjects,
  resourceRules: [resourceRule(ALL, ALL, ALL, true)],
  nonResourceRules: [{ verbs: ALL, nonResourceURLs: ALL }],
});

function flowSchema(name: string, level: string, precedence: number, distinguisher: string, rules: Obj): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: "FlowSchema",
    metadata: { name, annotations: { [AUTO_UPDATE_ANNOTATION]: "true" } },
    spec: {
      priorityLevelConfiguration: { name: level },
      matchingPrecedence: precedence,
      ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}),
      rules: [rules],
    },
  };
}

function priorityLevel(name: string, spec: Obj): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: "PriorityLevelConfiguration",
    metadata: { name, annotations: { [AUTO_UPDATE_ANNOTATION]: "true" } },
    spec,
  };
}

/** A Limited level that queues: shares, lendable percent, then queues, hand size and queue length limit. */
function queuing(name: string, shares: number, lendable: number, queues: number, handSize: number): KubeObject {
  return priorityLevel(name, {
    type: "Limited",
    limited: {
      nominalConcurrencyShares: shares,
      limitResponse: { type: "Queue", queuing: { queues, handSize, queueLengthLimit: 50 } },
      lendablePercent: lendable,
    },
  });
}

const NODES = "system:nodes";
const CONTROLLER_MANAGER = "system:kube-controller-manager";
const SCHEDULER = "system:kube-scheduler";
const EVERYONE = groups("system:unauthenticated", "system:authenticated");

/** kube's mandatory priority levels, in its order: the operator's changes to them are always undone. */
export const MANDATORY_PRIORITY_LEVELS: KubeObject[] = [
  priorityLevel("catch-all", {
    type: "Limited",
    limited: { nominalConcurrencyShares: 5, limitResponse: { type: "Reject" }, lendablePercent: 0 },
  }),
  priorityLevel("exempt", { type: "Exempt", exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } }),
];

export const MANDATORY_FLOW_SCHEMAS: KubeObject[] = [
  flowSchema("exempt", "exempt", 1, "", everything(groups("system:masters"))),
  flowSchema("catch-all", "catch-all", 10000, "ByUser", everything(EVERYONE)),
];

/** kube's suggested priority levels: kept up to date unless their annotation says "false". */
export const SUGGESTED_PRIORITY_LEVELS: KubeObject[] = [
  queuing("system", 30, 33, 64, 6),
  queuing("node-high", 40, 25, 64, 6),
  queuing("leader-election", 10, 0, 16, 4),
  queuing("workload-high", 40, 50, 128, 6),
  queuing("workload-low", 100, 90, 128, 6),
  queuing("global-default", 20, 50, 128, 6),
];

const GET_CREATE_UPDATE = ["get", "create", "update"];

export const SUGGESTED_FLOW_SCHEMAS: KubeObject[] = [
  flowSchema("system-nodes", "system", 500, "ByUser", everything(groups(NODES))),
  flowSchema("system-node-high", "node-high", 400, "ByUser", {
    subjects: groups(NODES),
    resourceRules: [
      resourceRule(ALL, [""], ["nodes", "nodes/status"], true),
      resourceRule(ALL, ["coordination.k8s.io"], ["leases"], false),
    ],
  }),
  flowSchema("probes", "exempt", 2, "", {
    subjects: EVERYONE,
    nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }],
  }),
  flowSchema("system-leader-election", "leader-election", 100, "ByUser", {
    subjects: [...users(CONTROLLER_MANAGER, SCHEDULER), ...kubeSystemServiceAccounts("*")],
    resourceRules: [resourceRule(GET_CREATE_UPDATE, ["coordination.k8s.io"], ["leases"], false)],
  }),
  flowSchema("workload-leader-election", "leader-election", 200, "ByUser", {
    subjects: kubeSystemServiceAccounts("*"),
    resourceRules: [
      resourceRule(GET_CREATE_UPDATE, [""], ["endpoints", "configmaps"], false),
      resourceRule(GET_CREATE_UPDATE, ["coordination.k8s.io"], ["leases"], false),
    ],
  }),
  flowSchema("endpoint-controller", "workload-high", 150, "ByUser", {
    subjects: [
      ...users(CONTROLLER_MANAGER),
      ...kubeSystemServiceAccounts("endpoint-controller", "endpointslicemirroring-controller"),
    ],
    resourceRules: [resourceRule(GET_CREATE_UPDATE, [""], ["endpoints"], false)],
  }),
  flowSchema("kube-controller-manager", "workload-high", 800, "ByNamespace", everything(users(CONTROLLER_MANAGER))),
  flowSchema("kube-scheduler", "workload-high", 800, "ByNamespace", everything(users(SCHEDULER))),
  flowSchema(
    "kube-system-service-accounts",
    "workload-high",
    900,
    "ByNamespace",
    everything(kubeSystemServiceAccounts("*")),
  ),
  flowSchema("service-accounts", "workload-low", 9000, "ByUser", everything(groups("system:serviceaccounts"))),
  flowSchema("global-default", "global-default", 9900, "ByUser", everything(EVERYONE)),
];

/** Go's strconv.ParseBool. */
function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return false;
  return undefined;
}

function annotationsOf(o: KubeObject): Record<string, string> {
  return o.metadata?.annotations ?? {};
}

/** Equal as Go's semantic DeepEqual sees decoded JSON: a missing list or map is an empty one. */
function sameJson(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) =>
    v === undefined ||
    v === null ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameJson(a[k], b[k]));
  }
  // Go's zero values: a missing false or 0 decodes as false or 0.
  if (
    (a === undefined && (b === false || b === 0 || b === "")) ||
    (b === undefined && (a === false || a === 0 || a === ""))
  )
    return true;
  return a === b;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * kube's ensure strategies for an object that exists: a mandatory object
 * always gets the bootstrap spec back; a suggested one only while its
 * annotation says "true" (or, without a readable annotation, while its
 * generation is 1: nobody edited it). The annotation is set to what was
 * decided. Answers the object to write, or undefined when it is up to date.
 */
export function reconcileFlowControl(bootstrap: KubeObject, mandatory: boolean) {
  return (current: KubeObject): KubeObject | undefined => {
    const value = parseBool(annotationsOf(current)[AUTO_UPDATE_ANNOTATION]);
    const autoUpdate = mandatory || (value ?? current.metadata?.generation === 1);
    const annotationStale = value !== autoUpdate;
    const specChanged = autoUpdate && !sameJson(current.spec, bootstrap.spec);
    if (!annotationStale && !specChanged) return undefined;
    const next = structuredClone(current);
    if (annotationStale) {
      next.metadata = {
        ...next.metadata,
        annotations: { ...annotationsOf(next), [AUTO_UPDATE_ANNOTATION]: String(autoUpdate) },
      };
    }
    if (specChanged) next.spec = structuredClone(bootstrap.spec);
    return next;
  };
}

/**
 * Whether a stored object is one an earlier bootstrap made that this one no
 * longer has (kube's dangling configuration): it carries the annotation,
 * set to true, and its name is not among the bootstrap objects of its kind.
 */
export function isDanglingFlowControl(current: KubeObject, bootstrapNames: ReadonlySet<string>): boolean {
  const annotations = annotationsOf(current);
  if (!Object.hasOwn(annotations, AUTO_UPDATE_ANNOTATION)) return false;
  if (bootstrapNames.has(current.metadata?.name ?? "")) return false;
  return parseBool(annotations[AUTO_UPDATE_ANNOTATION]) === true;
}

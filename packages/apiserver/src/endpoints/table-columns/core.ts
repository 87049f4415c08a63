// Table columns of the core ("") group kinds, as kube-apiserver 1.28 prints them.

import { since } from "./human-duration.js";
import {
  ageColumn,
  ageOf,
  annotationsOf,
  at,
  column,
  containerCells,
  containersColumn,
  doc,
  imagesColumn,
  int,
  list,
  nameColumn,
  nameOf,
  type Obj,
  type Printer,
  record,
  str,
} from "./object.js";
import { podIP, podRowConditions, podStatusCells, readinessGates } from "./pod-status.js";
import { canonicalQuantity } from "./quantity.js";
import { compareStrings, formatLabels } from "./selectors.js";

const present = (v: unknown): boolean => v !== undefined && v !== null;

export const pod: Printer = {
  columns: [
    nameColumn(),
    column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "string", "The aggregate status of the containers in this pod."),
    column(
      "Restarts",
      "string",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    ageColumn(),
    column("IP", "string", doc("core/v1.PodStatus.podIP"), { priority: 1 }),
    column("Node", "string", doc("core/v1.PodSpec.nodeName"), { priority: 1 }),
    column("Nominated Node", "string", doc("core/v1.PodStatus.nominatedNodeName"), { priority: 1 }),
    column("Readiness Gates", "string", doc("core/v1.PodSpec.readinessGates"), { priority: 1 }),
  ],
  cells(o, now) {
    const s = podStatusCells(o, now);
    return [
      nameOf(o),
      s.ready,
      s.status,
      s.restarts,
      ageOf(o, now),
      podIP(o),
      str(at(o, "spec", "nodeName")) || "<none>",
      str(at(o, "status", "nominatedNodeName")) || "<none>",
      readinessGates(o),
    ];
  },
  conditions: podRowConditions,
};

export const podTemplate: Printer = {
  columns: [
    nameColumn(),
    containersColumn(0),
    imagesColumn(0),
    column("Pod Labels", "string", "The labels for the pod template."),
  ],
  cells(o) {
    const [names, images] = containerCells(at(o, "template", "spec"));
    return [nameOf(o), names, images, formatLabels(at(o, "template", "metadata", "labels"))];
  },
};

export const replicationController: Printer = {
  columns: [
    nameColumn(),
    column("Desired", "integer", doc("core/v1.ReplicationControllerSpec.replicas")),
    column("Current", "integer", doc("core/v1.ReplicationControllerStatus.replicas")),
    column("Ready", "integer", doc("core/v1.ReplicationControllerStatus.readyReplicas")),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column("Selector", "string", doc("core/v1.ReplicationControllerSpec.selector"), { priority: 1 }),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, "spec", "template", "spec"));
    // An empty selector is defaulted to the template's labels.
    const selector = Object.keys(record(at(o, "spec", "selector"))).length
      ? at(o, "spec", "selector")
      : at(o, "spec", "template", "metadata", "labels");
    return [
      nameOf(o),
      int(at(o, "spec", "replicas"), 1),
      int(at(o, "status", "replicas")),
      int(at(o, "status", "readyReplicas")),
      ageOf(o, now),
      names,
      images,
      formatLabels(selector),
    ];
  },
};

/** The load balancer's IPs or host names, sorted and each once. */
export function loadBalancerIngress(ingress: unknown): string {
  const set = new Set<string>();
  for (const i of list(ingress)) {
    const v = str(at(i, "ip")) || str(at(i, "hostname"));
    if (v !== "") set.add(v);
  }
  // The server prints tables in their wide form, so the list is never shortened.
  return [...set].sort(compareStrings).join(",");
}

function serviceExternalIP(o: Obj): string {
  const externalIPs = list(at(o, "spec", "externalIPs")).map((x) => str(x));
  switch (str(at(o, "spec", "type"), "ClusterIP")) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerIngress(at(o, "status", "loadBalancer", "ingress"));
      if (externalIPs.length) return [...(lb ? lb.split(",") : []), ...externalIPs].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return str(at(o, "spec", "externalName"));
    default:
      return "<unknown>";
  }
}

function servicePorts(o: Obj): string {
  const parts = list(at(o, "spec", "ports")).map((p) => {
    const protocol = str(at(p, "protocol"), "TCP");
    const nodePort = int(at(p, "nodePort"));
    return nodePort > 0 ? `${int(at(p, "port"))}:${nodePort}/${protocol}` : `${int(at(p, "port"))}/${protocol}`;
  });
  return parts.length ? parts.join(",") : "<none>";
}

export const service: Printer = {
  columns: [
    nameColumn(),
    column("Type", "string", doc("core/v1.ServiceSpec.type")),
    column("Cluster-IP", "string", doc("core/v1.ServiceSpec.clusterIP")),
    column("External-IP", "string", doc("core/v1.ServiceSpec.externalIPs")),
    column("Port(s)", "string", doc("core/v1.ServiceSpec.ports")),
    ageColumn(),
    column("Selector", "string", doc("core/v1.ServiceSpec.selector"), { priority: 1 }),
  ],
  cells(o, now) {
    const clusterIP = str(at(o, "spec", "clusterIP")) || str(list(at(o, "spec", "clusterIPs"))[0]) || "<none>";
    return [
      nameOf(o),
      str(at(o, "spec", "type"), "ClusterIP"),
      clusterIP,
      serviceExternalIP(o),
      servicePorts(o),
      ageOf(o, now),
      formatLabels(at(o, "spec", "selector")),
    ];
  },
};

/** host:port the way Go's net.JoinHostPort writes it (IPv6 in brackets). */
function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function formatEndpoints(o: Obj): string {
  const subsets = list(at(o, "subsets"));
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const shown: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = list(at(ss, "addresses"));
    const ports = list(at(ss, "ports"));
    if (ports.length === 0) {
      // A headless service without ports lists bare addresses.
      count += addresses.length;
      for (const a of addresses) if (shown.length < max) shown.push(str(at(a, "ip")));
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (shown.length < max) shown.push(joinHostPort(str(at(a, "ip")), int(at(p, "port"))));
    }
  }
  const ret = shown.join(",");
  return count > max ? `${ret} + ${count - max} more...` : ret;
}

export const endpoints: Printer = {
  columns: [nameColumn(), column("Endpoints", "string", doc("core/v1.Endpoints.subsets")), ageColumn()],
  cells: (o, now) => [nameOf(o), formatEndpoints(o), ageOf(o, now)],
};

const NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
const NODE_ROLE_LABEL = "kubernetes.io/role";

/** ROLES: node-role.kubernetes.io/<role> label keys and the kubernetes.io/role label's value, sorted. */
export function nodeRoles(o: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(record(at(o, "metadata", "labels")))) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role !== "") roles.add(role);
    } else if (k === NODE_ROLE_LABEL && typeof v === "string" && v !== "") {
      roles.add(v);
    }
  }
  return roles.size ? [...roles].sort(compareStrings).join(",") : "<none>";
}

function nodeStatus(o: Obj): string {
  const status: string[] = [];
  // Conditions are keyed by type, so when one repeats the last one counts.
  const ready = list(at(o, "status", "conditions")).filter((c) => str(at(c, "type")) === "Ready");
  const cond = ready[ready.length - 1];
  if (cond !== undefined) status.push(str(at(cond, "status")) === "True" ? "Ready" : "NotReady");
  else status.push("Unknown");
  if (at(o, "spec", "unschedulable") === true) status.push("SchedulingDisabled");
  return status.join(",");
}

function nodeAddress(o: Obj, type: string): string {
  for (const a of list(at(o, "status", "addresses"))) if (str(at(a, "type")) === type) return str(at(a, "address"));
  return "<none>";
}

export const node: Printer = {
  columns: [
    nameColumn(),
    column("Status", "string", "The status of the node"),
    column("Roles", "string", "The roles of the node"),
    ageColumn(),
    column("Version", "string", doc("core/v1.NodeSystemInfo.kubeletVersion")),
    column("Internal-IP", "string", doc("core/v1.NodeStatus.addresses"), { priority: 1 }),
    column("External-IP", "string", doc("core/v1.NodeStatus.addresses"), { priority: 1 }),
    column("OS-Image", "string", doc("core/v1.NodeSystemInfo.osImage"), { priority: 1 }),
    column("Kernel-Version", "string", doc("core/v1.NodeSystemInfo.kernelVersion"), { priority: 1 }),
    column("Container-Runtime", "string", doc("core/v1.NodeSystemInfo.containerRuntimeVersion"), { priority: 1 }),
  ],
  cells(o, now) {
    const info = (k: string) => str(at(o, "status", "nodeInfo", k));
    return [
      nameOf(o),
      nodeStatus(o),
      nodeRoles(o),
      ageOf(o, now),
      info("kubeletVersion"),
      nodeAddress(o, "InternalIP"),
      nodeAddress(o, "ExternalIP"),
      info("osImage") || "<unknown>",
      info("kernelVersion") || "<unknown>",
      info("containerRuntimeVersion") || "<unknown>",
    ];
  },
};

/** The fields of an Event the printer reads, from either core/v1 or events.k8s.io/v1. */
interface EventFields {
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: unknown;
  involved: unknown;
  source: unknown;
  reportingController: string;
  reportingInstance: string;
  type: string;
  reason: string;
  message: string;
}

function coreEventFields(o: Obj): EventFields {
  return {
    firstTimestamp: at(o, "firstTimestamp"),
    lastTimestamp: at(o, "lastTimestamp"),
    eventTime: at(o, "eventTime"),
    count: int(at(o, "count")),
    series: at(o, "series"),
    involved: at(o, "involvedObject"),
    source: at(o, "source"),
    reportingController: str(at(o, "reportingComponent")),
    reportingInstance: str(at(o, "reportingInstance")),
    type: str(at(o, "type")),
    reason: str(at(o, "reason")),
    message: str(at(o, "message")),
  };
}

function eventsV1Fields(o: Obj): EventFields {
  return {
    firstTimestamp: at(o, "deprecatedFirstTimestamp"),
    lastTimestamp: at(o, "deprecatedLastTimestamp"),
    eventTime: at(o, "eventTime"),
    count: int(at(o, "deprecatedCount")),
    series: at(o, "series"),
    involved: at(o, "regarding"),
    source: at(o, "deprecatedSource"),
    reportingController: str(at(o, "reportingController")),
    reportingInstance: str(at(o, "reportingInstance")),
    type: str(at(o, "type")),
    reason: str(at(o, "reason")),
    message: str(at(o, "note")),
  };
}

function eventCells(o: Obj, e: EventFields, now: number): unknown[] {
  let first = since(e.firstTimestamp, now);
  if (first === "<unknown>") first = since(e.eventTime, now);
  let last = since(e.lastTimestamp, now);
  if (last === "<unknown>") last = first;
  let count = e.count;
  if (present(e.series)) {
    last = since(at(e.series, "lastObservedTime"), now);
    count = int(at(e.series, "count"));
  } else if (count === 0) {
    count = 1;
  }
  const kind = str(at(e.involved, "kind")).toLowerCase();
  const involvedName = str(at(e.involved, "name"));
  const target = involvedName ? `${kind}/${involvedName}` : kind;
  const component = str(at(e.source, "component")) || e.reportingController;
  const instance = str(at(e.source, "host")) || e.reportingInstance;
  const source = instance === "" ? component : `${component}, ${instance}`;
  return [
    last,
    e.type,
    e.reason,
    target,
    str(at(e.involved, "fieldPath")),
    source,
    e.message.trim(),
    first,
    count,
    nameOf(o),
  ];
}

const eventColumns = [
  column("Last Seen", "string", doc("core/v1.Event.lastTimestamp")),
  column("Type", "string", doc("core/v1.Event.type")),
  column("Reason", "string", doc("core/v1.Event.reason")),
  column("Object", "string", doc("core/v1.Event.involvedObject")),
  column("Subobject", "string", doc("core/v1.ObjectReference.fieldPath"), { priority: 1 }),
  column("Source", "string", doc("core/v1.Event.source"), { priority: 1 }),
  column("Message", "string", doc("core/v1.Event.message")),
  column("First Seen", "string", doc("core/v1.Event.firstTimestamp"), { priority: 1 }),
  column("Count", "string", doc("core/v1.Event.count"), { priority: 1 }),
  column("Name", "string", doc("meta/v1.ObjectMeta.name"), { priority: 1, format: "name" }),
];

/** Whether an Event is in the events.k8s.io/v1 shape (regarding, note, deprecated* fields). */
function isEventsV1(o: Obj): boolean {
  if (str(at(o, "apiVersion")).startsWith("events.k8s.io/")) return true;
  if (str(at(o, "apiVersion")) === "v1") return false;
  return present(at(o, "regarding")) || present(at(o, "note")) || present(at(o, "reportingController"));
}

const printEvent = (o: Obj, now: number) => eventCells(o, isEventsV1(o) ? eventsV1Fields(o) : coreEventFields(o), now);

export const event: Printer = { columns: eventColumns, cells: printEvent };

/** events.k8s.io/v1 Events are the same objects as core Events and print the same way. */
export const eventsV1Event: Printer = { columns: eventColumns, cells: printEvent };

export const namespace: Printer = {
  columns: [nameColumn(), column("Status", "string", "The status of the namespace"), ageColumn()],
  cells: (o, now) => [nameOf(o), str(at(o, "status", "phase"), "Active"), ageOf(o, now)],
};

export const secret: Printer = {
  columns: [
    nameColumn(),
    column("Type", "string", doc("core/v1.Secret.type")),
    column("Data", "string", doc("core/v1.Secret.data")),
    ageColumn(),
  ],
  cells(o, now) {
    // stringData is write-only: kube merges it into data before storing.
    const keys = new Set([...Object.keys(record(at(o, "data"))), ...Object.keys(record(at(o, "stringData")))]);
    return [nameOf(o), str(at(o, "type"), "Opaque"), keys.size, ageOf(o, now)];
  },
};

export const serviceAccount: Printer = {
  columns: [nameColumn(), column("Secrets", "string", doc("core/v1.ServiceAccount.secrets")), ageColumn()],
  cells: (o, now) => [nameOf(o), list(at(o, "secrets")).length, ageOf(o, now)],
};

/** RWO,ROX,RWX,RWOP in that order, each once. */
export function accessModes(modes: unknown): string {
  const set = new Set(list(modes).map((m) => str(m)));
  const out: string[] = [];
  if (set.has("ReadWriteOnce")) out.push("RWO");
  if (set.has("ReadOnlyMany")) out.push("ROX");
  if (set.has("ReadWriteMany")) out.push("RWX");
  if (set.has("ReadWriteOncePod")) out.push("RWOP");
  return out.join(",");
}

const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

export const persistentVolume: Printer = {
  columns: [
    nameColumn(),
    column("Capacity", "string", doc("core/v1.PersistentVolumeSpec.capacity")),
    column("Access Modes", "string", doc("core/v1.PersistentVolumeSpec.accessModes")),
    column("Reclaim Policy", "string", doc("core/v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy")),
    column("Status", "string", doc("core/v1.PersistentVolumeStatus.phase")),
    column("Claim", "string", doc("core/v1.PersistentVolumeSpec.claimRef")),
    column("StorageClass", "string", "StorageClass of the pv"),
    column("Reason", "string", doc("core/v1.PersistentVolumeStatus.reason")),
    ageColumn(),
    column("VolumeMode", "string", doc("core/v1.PersistentVolumeSpec.volumeMode"), { priority: 1 }),
  ],
  cells(o, now) {
    const claimRef = at(o, "spec", "claimRef");
    const claim = present(claimRef) ? `${str(at(claimRef, "namespace"))}/${str(at(claimRef, "name"))}` : "";
    const phase = present(at(o, "metadata", "deletionTimestamp"))
      ? "Terminating"
      : str(at(o, "status", "phase"), "Pending");
    const annotations = annotationsOf(o);
    const storageClass =
      BETA_STORAGE_CLASS_ANNOTATION in annotations
        ? annotations[BETA_STORAGE_CLASS_ANNOTATION]
        : str(at(o, "spec", "storageClassName"));
    return [
      nameOf(o),
      canonicalQuantity(at(o, "spec", "capacity", "storage")),
      accessModes(at(o, "spec", "accessModes")),
      str(at(o, "spec", "persistentVolumeReclaimPolicy"), "Retain"),
      phase,
      claim,
      storageClass,
      str(at(o, "status", "reason")),
      ageOf(o, now),
      str(at(o, "spec", "volumeMode"), "Filesystem"),
    ];
  },
};

export const persistentVolumeClaim: Printer = {
  columns: [
    nameColumn(),
    column("Status", "string", doc("core/v1.PersistentVolumeClaimStatus.phase")),
    column("Volume", "string", doc("core/v1.PersistentVolumeClaimSpec.volumeName")),
    column("Capacity", "string", doc("core/v1.PersistentVolumeClaimStatus.capacity")),
    column("Access Modes", "string", doc("core/v1.PersistentVolumeClaimStatus.accessModes")),
    column("StorageClass", "string", "StorageClass of the pvc"),
    ageColumn(),
    column("VolumeMode", "string", doc("core/v1.PersistentVolumeClaimSpec.volumeMode"), { priority: 1 }),
  ],
  cells(o, now) {
    const phase = present(at(o, "metadata", "deletionTimestamp"))
      ? "Terminating"
      : str(at(o, "status", "phase"), "Pending");
    const volumeName = str(at(o, "spec", "volumeName"));
    // Capacity and access modes are those of the bound volume, so only shown once bound.
    const capacity = volumeName ? canonicalQuantity(at(o, "status", "capacity", "storage")) : "";
    const modes = volumeName ? accessModes(at(o, "status", "accessModes")) : "";
    const annotations = annotationsOf(o);
    const storageClass =
      BETA_STORAGE_CLASS_ANNOTATION in annotations
        ? annotations[BETA_STORAGE_CLASS_ANNOTATION]
        : str(at(o, "spec", "storageClassName"));
    return [
      nameOf(o),
      phase,
      volumeName,
      capacity,
      modes,
      storageClass,
      ageOf(o, now),
      str(at(o, "spec", "volumeMode"), "Filesystem"),
    ];
  },
};

export const componentStatus: Printer = {
  columns: [
    nameColumn(),
    column("Status", "string", "Status of the component conditions"),
    column("Message", "string", "Message of the component conditions"),
    column("Error", "string", "Error of the component conditions"),
  ],
  cells(o) {
    let status = "Unknown";
    let message = "";
    let error = "";
    for (const c of list(at(o, "conditions"))) {
      if (str(at(c, "type")) !== "Healthy") continue;
      status = str(at(c, "status")) === "True" ? "Healthy" : "Unhealthy";
      message = str(at(c, "message"));
      error = str(at(c, "error"));
      break;
    }
    return [nameOf(o), status, message, error];
  },
};

export const configMap: Printer = {
  columns: [nameColumn(), column("Data", "string", doc("core/v1.ConfigMap.data")), ageColumn()],
  cells: (o, now) => [
    nameOf(o),
    Object.keys(record(at(o, "data"))).length + Object.keys(record(at(o, "binaryData"))).length,
    ageOf(o, now),
  ],
};

export const resourceQuota: Printer = {
  columns: [
    nameColumn(),
    ageColumn(),
    column("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
    column(
      "Limit",
      "string",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
  ],
  cells(o, now) {
    const hard = record(at(o, "status", "hard"));
    const used = record(at(o, "status", "used"));
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort(compareStrings)) {
      const text = `${resource}: ${canonicalQuantity(used[resource])}/${canonicalQuantity(hard[resource])}`;
      const pieces = resource.split(".");
      (pieces.length > 1 && pieces[0] === "limits" ? limits : requests).push(text);
    }
    return [nameOf(o), ageOf(o, now), requests.join(", "), limits.join(", ")];
  },
};

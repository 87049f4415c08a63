import {
  ageColumn,
  ageOf,
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
  str,
} from "./object.js";
import { formatLabelSelector, formatLabels, labelSelectorString } from "./selectors.js";

export const deployment: Printer = {
  columns: [
    nameColumn(),
    column("Ready", "string", "Number of the pod with ready state"),
    column("Up-to-date", "string", doc("extensions/v1beta1.DeploymentStatus.updatedReplicas")),
    column("Available", "string", doc("extensions/v1beta1.DeploymentStatus.availableReplicas")),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column("Selector", "string", doc("extensions/v1beta1.DeploymentSpec.selector"), { priority: 1 }),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, "spec", "template", "spec"));
    return [
      nameOf(o),
      `${int(at(o, "status", "readyReplicas"))}/${int(at(o, "spec", "replicas"), 1)}`,
      int(at(o, "status", "updatedReplicas")),
      int(at(o, "status", "availableReplicas")),
      ageOf(o, now),
      names,
      images,
      labelSelectorString(at(o, "spec", "selector")) ?? "<invalid>",
    ];
  },
};

export const replicaSet: Printer = {
  columns: [
    nameColumn(),
    column("Desired", "integer", doc("extensions/v1beta1.ReplicaSetSpec.replicas")),
    column("Current", "integer", doc("extensions/v1beta1.ReplicaSetStatus.replicas")),
    column("Ready", "integer", doc("extensions/v1beta1.ReplicaSetStatus.readyReplicas")),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column("Selector", "string", doc("extensions/v1beta1.ReplicaSetSpec.selector"), { priority: 1 }),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, "spec", "template", "spec"));
    return [
      nameOf(o),
      int(at(o, "spec", "replicas"), 1),
      int(at(o, "status", "replicas")),
      int(at(o, "status", "readyReplicas")),
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(at(o, "spec", "selector")),
    ];
  },
};

export const statefulSet: Printer = {
  columns: [
    nameColumn(),
    column("Ready", "string", "Number of the pod with ready state"),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, "spec", "template", "spec"));
    return [
      nameOf(o),
      `${int(at(o, "status", "readyReplicas"))}/${int(at(o, "spec", "replicas"), 1)}`,
      ageOf(o, now),
      names,
      images,
    ];
  },
};

export const daemonSet: Printer = {
  columns: [
    nameColumn(),
    column("Desired", "integer", doc("extensions/v1beta1.DaemonSetStatus.desiredNumberScheduled")),
    column("Current", "integer", doc("extensions/v1beta1.DaemonSetStatus.currentNumberScheduled")),
    column("Ready", "integer", doc("extensions/v1beta1.DaemonSetStatus.numberReady")),
    column("Up-to-date", "integer", doc("extensions/v1beta1.DaemonSetStatus.updatedNumberScheduled")),
    column("Available", "integer", doc("extensions/v1beta1.DaemonSetStatus.numberAvailable")),
    column("Node Selector", "string", doc("core/v1.PodSpec.nodeSelector")),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column("Selector", "string", doc("extensions/v1beta1.DaemonSetSpec.selector"), { priority: 1 }),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, "spec", "template", "spec"));
    const s = (k: string) => int(at(o, "status", k));
    return [
      nameOf(o),
      s("desiredNumberScheduled"),
      s("currentNumberScheduled"),
      s("numberReady"),
      s("updatedNumberScheduled"),
      s("numberAvailable"),
      formatLabels(at(o, "spec", "template", "spec", "nodeSelector")),
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(at(o, "spec", "selector")),
    ];
  },
};

/** CONTROLLER: the controlling owner as "kind.group/name" in lower case ("daemonset.apps/fluentd"), or <none>. */
function controllerOf(o: Obj): string {
  const owner = list(at(o, "metadata", "ownerReferences")).find((r) => at(r, "controller") === true);
  if (owner === undefined) return "<none>";
  const apiVersion = str(at(owner, "apiVersion"));
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const kind = str(at(owner, "kind"));
  const name = str(at(owner, "name"));
  if (kind === "" && group === "") return name;
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${name}`;
}

export const controllerRevision: Printer = {
  columns: [
    nameColumn(),
    column("Controller", "string", "Controller of the object"),
    column("Revision", "string", doc("apps/v1beta1.ControllerRevision.revision")),
    ageColumn(),
  ],
  cells: (o, now) => [nameOf(o), controllerOf(o), int(at(o, "revision")), ageOf(o, now)],
};

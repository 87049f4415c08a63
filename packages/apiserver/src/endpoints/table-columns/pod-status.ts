// The READY, STATUS and RESTARTS cells of a pod, worked out the way
// kube-apiserver 1.28 does it: the phase (or status.reason), then the first
// init container that has not finished ("Init:1/3", "Init:CrashLoopBackOff",
// "Init:Error"), then the regular containers' waiting or terminated reasons
// ("CrashLoopBackOff", "Completed", "ExitCode:2"), "Terminating" while a
// deletion is under way and "Unknown" for a pod whose node was lost.

import { humanDuration, parseTime } from "./human-duration.js";
import { at, bool, int, list, type Obj, type RowCondition, str } from "./object.js";

/** The reason the node lifecycle controller gives pods on an unreachable node. */
const NODE_UNREACHABLE_REASON = "NodeLost";

export interface PodStatusCells {
  ready: string;
  status: string;
  restarts: string;
}

function isRestartableInit(container: unknown): boolean {
  return str(at(container, "restartPolicy")) === "Always";
}

function hasCondition(pod: Obj, type: string): boolean | undefined {
  for (const c of list(at(pod, "status", "conditions"))) {
    if (str(at(c, "type")) === type) return str(at(c, "status")) === "True";
  }
  return undefined;
}

/** The finish time of a container's previous run, when it has one. */
function lastTermination(status: unknown): number | undefined {
  const terminated = at(status, "lastState", "terminated");
  return terminated === undefined || terminated === null ? undefined : parseTime(at(terminated, "finishedAt"));
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

export function podStatusCells(pod: Obj, now: number): PodStatusCells {
  const spec = at(pod, "spec");
  const status = at(pod, "status");
  const initSpecs = list(at(spec, "initContainers"));
  const containers = list(at(spec, "containers"));
  const phase = str(at(status, "phase"), "Pending");

  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = containers.length;
  let ready = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined) =>
    b !== undefined && (a === undefined || a < b) ? b : a;

  let reason = str(at(status, "reason")) || phase;
  for (const c of list(at(status, "conditions"))) {
    if (str(at(c, "type")) === "PodScheduled" && str(at(c, "reason")) === "SchedulingGated") reason = "SchedulingGated";
  }

  const initByName = new Map<string, unknown>();
  for (const c of initSpecs) {
    initByName.set(str(at(c, "name")), c);
    if (isRestartableInit(c)) total++;
  }

  let initializing = false;
  const initStatuses = list(at(status, "initContainerStatuses"));
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const restartable = isRestartableInit(initByName.get(str(at(cs, "name"))));
    const count = int(at(cs, "restartCount"));
    restarts += count;
    lastRestart = later(lastRestart, lastTermination(cs));
    if (restartable) {
      restartableInitRestarts += count;
      lastRestartableInitRestart = later(lastRestartableInitRestart, lastTermination(cs));
    }
    const terminated = at(cs, "state", "terminated");
    const waiting = at(cs, "state", "waiting");
    if (present(terminated) && int(at(terminated, "exitCode")) === 0) continue;
    if (restartable && bool(at(cs, "started"))) {
      if (bool(at(cs, "ready"))) ready++;
      continue;
    }
    if (present(terminated)) {
      const r = str(at(terminated, "reason"));
      const signal = int(at(terminated, "signal"));
      if (r !== "") reason = `Init:${r}`;
      else if (signal !== 0) reason = `Init:Signal:${signal}`;
      else reason = `Init:ExitCode:${int(at(terminated, "exitCode"))}`;
    } else if (
      present(waiting) &&
      str(at(waiting, "reason")) !== "" &&
      str(at(waiting, "reason")) !== "PodInitializing"
    ) {
      reason = `Init:${str(at(waiting, "reason"))}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, "Initialized") === true) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = list(at(status, "containerStatuses"));
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += int(at(cs, "restartCount"));
      lastRestart = later(lastRestart, lastTermination(cs));
      const waiting = at(cs, "state", "waiting");
      const terminated = at(cs, "state", "terminated");
      if (present(waiting) && str(at(waiting, "reason")) !== "") {
        reason = str(at(waiting, "reason"));
      } else if (present(terminated) && str(at(terminated, "reason")) !== "") {
        reason = str(at(terminated, "reason"));
      } else if (present(terminated)) {
        const signal = int(at(terminated, "signal"));
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${int(at(terminated, "exitCode"))}`;
      } else if (bool(at(cs, "ready")) && present(at(cs, "state", "running"))) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose finished containers report Completed while others still run is not complete.
    if (reason === "Completed" && hasRunning) reason = hasCondition(pod, "Ready") === true ? "Running" : "NotReady";
  }

  if (present(at(pod, "metadata", "deletionTimestamp"))) {
    reason = str(at(status, "reason")) === NODE_UNREACHABLE_REASON ? "Unknown" : "Terminating";
  }

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsCell = `${restarts} (${humanDuration(now - lastRestart)} ago)`;
  }
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}

/** kube marks rows of finished pods with a Completed condition. */
export function podRowConditions(pod: Obj): RowCondition[] | undefined {
  switch (str(at(pod, "status", "phase"))) {
    case "Succeeded":
      return [
        { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
      ];
    case "Failed":
      return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
    default:
      return undefined;
  }
}

/** The pod's first IP: status.podIP, else the first of status.podIPs. */
export function podIP(pod: Obj): string {
  const ip = str(at(pod, "status", "podIP")) || str(at(list(at(pod, "status", "podIPs"))[0], "ip"));
  return ip === "" ? "<none>" : ip;
}

/** READINESS GATES: how many of the spec's gates have a True condition, "<none>" without gates. */
export function readinessGates(pod: Obj): string {
  const gates = list(at(pod, "spec", "readinessGates"));
  if (gates.length === 0) return "<none>";
  let trueCount = 0;
  for (const g of gates) {
    if (hasCondition(pod, str(at(g, "conditionType"))) === true) trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

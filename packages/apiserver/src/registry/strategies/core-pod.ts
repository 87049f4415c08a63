// Pod: defaults (SetDefaults_Pod and the PodSpec defaults, plus what the
// ServiceAccount, Priority and DefaultTolerationSeconds admission plugins add
// on create), validation (ValidatePodCreate) and the update rules of
// ValidatePodUpdate, as Kubernetes 1.28 words them.

import {
  type FieldError,
  FieldPath,
  forbiddenField,
  inclusiveRangeError,
  invalidField,
  parseQuantity,
  requiredField,
} from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../strategy.js";
import { SYSTEM_PRIORITY_CLASSES } from "./cluster.js";
import { validateSeccompAnnotationsAndFields } from "./pod-security.js";
import {
  defaultHostNetworkPorts,
  defaultPodSpec,
  podValidationOptions,
  validatePodSpec,
  validatePodSpecificAnnotations,
  validateTolerations,
} from "./pod-spec.js";
import { child, num, type Obj, objs, same, setDefault, str, strMap, sub } from "./util.js";

const MAX_INT32 = 2147483647;
const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

/** SetDefaults_Pod: requests default to limits, container by container. */
function defaultRequestsFromLimits(c: Obj): void {
  const resources = sub(c, "resources");
  const limits = strMap(sub(resources, "limits"));
  if (!resources || !limits || Object.keys(limits).length === 0) return;
  const requests = child(resources, "requests") as Record<string, unknown>;
  for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
}

function tolerates(tolerations: Obj[], key: string): boolean {
  return tolerations.some((t) => {
    const k = str(t.key);
    const e = str(t.effect);
    return (k === key || k === "") && (e === "NoExecute" || e === "");
  });
}

/** The QoS class kube's qos.GetPodQOS computes from cpu and memory requests and limits. */
export function podQOSClass(spec: Obj): string {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const containers = [...objs(spec.containers), ...objs(spec.initContainers)];
  const value = (v: unknown): number => {
    try {
      const q = parseQuantity(typeof v === "number" ? String(v) : str(v));
      return Number(q.num) / Number(q.den);
    } catch {
      return 0;
    }
  };
  for (const c of containers) {
    const res = sub(c, "resources");
    const req = strMap(sub(res, "requests")) ?? {};
    const lim = strMap(sub(res, "limits")) ?? {};
    for (const name of ["cpu", "memory"]) {
      const r = value(req[name]);
      if (req[name] !== undefined && r !== 0) requests.set(name, (requests.get(name) ?? 0) + r);
      const l = value(lim[name]);
      if (lim[name] !== undefined && l !== 0) limits.set(name, (limits.get(name) ?? 0) + l);
    }
    const has = (name: string) => lim[name] !== undefined && value(lim[name]) !== 0;
    if (!has("cpu") || !has("memory")) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) {
    for (const [name, r] of requests) if (limits.get(name) !== r) return "Burstable";
    return "Guaranteed";
  }
  return "Burstable";
}

function defaultPod(obj: KubeObject): void {
  const spec = child(obj, "spec");
  // v1 → internal conversion: the deprecated serviceAccount fills serviceAccountName.
  if (str(spec.serviceAccountName) === "" && str(spec.serviceAccount) !== "")
    spec.serviceAccountName = spec.serviceAccount;
  // ServiceAccount admission.
  if (str(spec.serviceAccountName) === "") spec.serviceAccountName = "default";
  spec.serviceAccount = spec.serviceAccountName;
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) defaultRequestsFromLimits(c);
  setDefault(spec, "enableServiceLinks", true);
  defaultPodSpec(spec);
  defaultHostNetworkPorts(spec);
  // Priority admission.
  if (spec.priority === undefined || spec.priority === null) {
    // The Priority admission plugin resolves kube's two system classes.
    spec.priority = SYSTEM_PRIORITY_CLASSES[str(spec.priorityClassName)]?.value ?? 0;
  }
  setDefault(spec, "preemptionPolicy", "PreemptLowerPriority");
  // DefaultTolerationSeconds admission.
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as unknown[]) : [];
  const existing = objs(tolerations);
  const added: Obj[] = [];
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    if (!tolerates(existing, key)) {
      added.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
    }
  }
  if (added.length > 0) spec.tolerations = [...tolerations, ...added];
}

/** PrepareForCreate: a new pod is Pending, with the QoS class of its defaulted resources. */
function preparePodForCreate(obj: KubeObject): void {
  obj.status = { phase: "Pending", qosClass: podQOSClass((obj.spec ?? {}) as Obj) };
}

function imageWhitespace(containers: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  objs(containers).forEach((c, i) => {
    const image = str(c.image);
    if (image.trim() !== image) {
      errs.push(invalidField(path.index(i).child("image"), image, "must not have leading or trailing whitespace"));
    }
  });
  return errs;
}

function validatePod(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = (obj.spec ?? {}) as Obj;
  const errs: FieldError[] = [];
  errs.push(
    ...validatePodSpecificAnnotations(obj.metadata?.annotations, spec, FieldPath.of("metadata", "annotations")),
  );
  errs.push(...validatePodSpec(spec, FieldPath.of("spec"), podValidationOptions(old?.spec), obj.metadata?.name));
  const specPath = FieldPath.of("spec");
  if (str(spec.serviceAccountName) === "") {
    objs(spec.volumes).forEach((v, vi) => {
      objs(sub(v, "projected")?.sources).forEach((s, si) => {
        if (s.serviceAccountToken) {
          errs.push(
            forbiddenField(
              specPath.child("volumes").index(vi).child("projected", "sources").index(si).child("serviceAccountToken"),
              "must not be specified when serviceAccountName is not set",
            ),
          );
        }
      });
    });
  }
  errs.push(...imageWhitespace(spec.containers, specPath.child("containers")));
  errs.push(...imageWhitespace(spec.initContainers, specPath.child("initContainers")));
  if (!old) errs.push(...validatePodCreateOnly(obj, spec, specPath));
  return errs;
}

/** What ValidatePodCreate adds to the spec's validation. */
function validatePodCreateOnly(obj: KubeObject, spec: Obj, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  // Only the ephemeralcontainers subresource adds them, to a running pod.
  if (objs(spec.ephemeralContainers).length > 0) {
    errs.push(forbiddenField(specPath.child("ephemeralContainers"), "cannot be set on create"));
  }
  if (str(spec.nodeName) !== "" && objs(spec.schedulingGates).length > 0) {
    errs.push(forbiddenField(specPath.child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
  }
  errs.push(...validateSeccompAnnotationsAndFields(obj.metadata?.annotations, spec, specPath));
  return errs;
}

/** ValidateContainerUpdates: same number of containers, each with an image. */
function containerUpdates(next: unknown, old: unknown, path: FieldPath): { errs: FieldError[]; stop: boolean } {
  const n = objs(next);
  const o = objs(old);
  if (n.length !== o.length)
    return { errs: [forbiddenField(path, "pod updates may not add or remove containers")], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = str(c.image);
    if (image === "") errs.push(requiredField(path.index(i).child("image")));
    if (image.trim() !== image) {
      errs.push(invalidField(path.index(i).child("image"), image, "must not have leading or trailing whitespace"));
    }
  });
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: old tolerations stay, except for their tolerationSeconds. */
function onlyAddedTolerations(next: unknown, old: unknown, path: FieldPath): FieldError[] {
  const n = objs(next);
  for (const o of objs(old)) {
    const found = n.some((t) => same({ ...o, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbiddenField(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

function onlyDeletedSchedulingGates(next: unknown, old: unknown, path: FieldPath): FieldError[] {
  const n = objs(next);
  if (n.length === 0) return [];
  const oldNames = new Set(objs(old).map((g) => str(g.name)));
  const added = new Map<string, number>();
  n.forEach((g, i) => {
    added.set(str(g.name), i);
  });
  const errs: FieldError[] = [];
  for (const [name, i] of added) {
    if (oldNames.has(name)) continue;
    errs.push(
      forbiddenField(path.index(i).child("name"), `only deletion is allowed, but found new scheduling gate '${name}'`),
    );
  }
  return errs;
}

const POD_UPDATE_MSG =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** A short account of what changed; kube prints a Go cmp.Diff of its internal structs here. */
function specDiff(old: Obj, next: Obj): string {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  const lines = ["  core.PodSpec{"];
  for (const k of keys) {
    if (same(old[k], next[k])) continue;
    if (old[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(next[k])},`);
  }
  lines.push("  }");
  return lines.join("\n");
}

function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (obj.spec ?? {}) as Obj;
  const oldSpec = (old.spec ?? {}) as Obj;
  const specPath = FieldPath.of("spec");
  const annPath = FieldPath.of("metadata", "annotations");
  const nextAnn = strMap(obj.metadata?.annotations) ?? {};
  const oldAnn = strMap(old.metadata?.annotations) ?? {};
  if (Object.hasOwn(oldAnn, MIRROR_ANNOTATION) && nextAnn[MIRROR_ANNOTATION] !== oldAnn[MIRROR_ANNOTATION]) {
    errs.push(forbiddenField(annPath.key(MIRROR_ANNOTATION), "may not remove or update mirror pod annotation"));
  }
  if (!Object.hasOwn(oldAnn, MIRROR_ANNOTATION) && Object.hasOwn(nextAnn, MIRROR_ANNOTATION)) {
    errs.push(forbiddenField(annPath.key(MIRROR_ANNOTATION), "may not add mirror pod annotation"));
  }

  for (const field of ["containers", "initContainers"]) {
    const r = containerUpdates(spec[field], oldSpec[field], specPath.child(field));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }

  const ads = num(spec.activeDeadlineSeconds);
  const oldAds = num(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(invalidField(specPath.child("activeDeadlineSeconds"), ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (oldAds !== undefined && oldAds < ads) {
      errs.push(
        invalidField(specPath.child("activeDeadlineSeconds"), ads, "must be less than or equal to previous value"),
      );
      return errs;
    }
  } else if (oldAds !== undefined) {
    errs.push(
      invalidField(
        specPath.child("activeDeadlineSeconds"),
        null,
        "must not update from a positive integer to nil value",
      ),
    );
  }

  errs.push(...onlyAddedTolerations(spec.tolerations, oldSpec.tolerations, specPath.child("tolerations")));
  errs.push(
    ...onlyDeletedSchedulingGates(spec.schedulingGates, oldSpec.schedulingGates, specPath.child("schedulingGates")),
  );

  if (same(spec, oldSpec)) return errs;
  // Put back what may change, then anything still different is forbidden.
  const munged: Obj = structuredClone(spec);
  for (const field of ["containers", "initContainers"]) {
    const oc = objs(oldSpec[field]);
    if (Array.isArray(munged[field])) {
      munged[field] = objs(munged[field]).map((c, i) => ({ ...c, image: oc[i]?.image }));
    }
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.tolerations = oldSpec.tolerations;
  munged.schedulingGates = oldSpec.schedulingGates;
  const oldGrace = num(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && num(spec.terminationGracePeriodSeconds) === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
  if (!same(munged, oldSpec)) {
    errs.push(forbiddenField(specPath, `${POD_UPDATE_MSG}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

export const podStrategy: KindStrategy = {
  default: defaultPod,
  prepareForCreate: preparePodForCreate,
  validate: validatePod,
  validateUpdate: validatePodUpdate,
};

// apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet and
// ControllerRevision — pkg/apis/apps/v1/defaults.go and
// pkg/apis/apps/validation of Kubernetes 1.28, plus the selector
// immutability their REST strategies add for apps/v1.

import {
  type FieldError,
  FieldPath,
  forbiddenField,
  GoValue,
  goIntOrString,
  goLabelSelector,
  goQuote,
  goStringMap,
  intOrPercentValue,
  invalidField,
  invalidGoField,
  isValidPercent,
  type LabelSelectorSpec,
  labelSelectorIsEmpty,
  labelSelectorMatches,
  notSupportedField,
  notSupportedGoField,
  percentValue,
  requiredField,
  validateAnnotations,
  validateImmutableField,
  validateLabelSelector,
  validateLabels,
  validateNonnegativeField,
} from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../strategy.js";
import {
  defaultClaimSpec,
  defaultEmbeddedMetadata,
  defaultPodTemplate,
  podTemplateValidationOptions,
  validatePodSpecificAnnotations,
  validatePodTemplateSpec,
} from "./pod-spec.js";
import { child, isObj, num, type Obj, objs, setDefault, setDefaultStr, str, strMap, sub } from "./util.js";

// ---------------------------------------------------------------- shared

function specOf(obj: KubeObject): Obj {
  return (isObj(obj.spec) ? obj.spec : {}) as Obj;
}

function selectorOf(spec: Obj): LabelSelectorSpec | undefined {
  return isObj(spec.selector) ? (spec.selector as LabelSelectorSpec) : undefined;
}

function templateLabels(spec: Obj): Record<string, string> | undefined {
  return strMap(sub(sub(spec, "template"), "metadata")?.labels);
}

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((m) => invalidGoField(path, goIntOrString(v), m));
  if (typeof v === "number") return validateNonnegativeField(v, path);
  return [];
}

function notMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalidGoField(path, goIntOrString(v), "must not be greater than 100%")];
}

/**
 * The selector checks every apps controller shares: required, valid, not
 * empty ("empty selector is invalid for <kind>"); returns whether it could be
 * turned into a selector (kube's LabelSelectorAsSelector).
 */
function validateSelector(spec: Obj, path: FieldPath, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = selectorOf(spec);
  if (!selector) errs.push(requiredField(path.child("selector")));
  else {
    errs.push(...validateLabelSelector(selector, path.child("selector")));
    if (labelSelectorIsEmpty(selector)) {
      errs.push(
        invalidGoField(path.child("selector"), goLabelSelector(selector), `empty selector is invalid for ${kind}`),
      );
    }
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployments and ReplicaSets). */
function validateTemplateForReplicaSet(
  spec: Obj,
  path: FieldPath,
  invalidSelectorMsg: string,
  old: KubeObject | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  const selector = selectorOf(spec);
  const match = labelSelectorMatches(selector, templateLabels(spec));
  if (match === undefined) {
    errs.push(invalidGoField(path.child("selector"), goLabelSelector(selector), invalidSelectorMsg));
    return errs;
  }
  const tPath = path.child("template");
  const template = sub(spec, "template");
  // A missing selector selects nothing, so the template cannot match it either.
  const empty = selector !== undefined && labelSelectorIsEmpty(selector);
  if (!empty && !match) {
    errs.push(
      invalidGoField(
        tPath.child("metadata", "labels"),
        goStringMap(templateLabels(spec)),
        "`selector` does not match template `labels`",
      ),
    );
  }
  errs.push(...validatePodTemplateSpec(template, tPath, podTemplateValidationOptions(sub(old?.spec, "template"))));
  const tspec = sub(template, "spec") ?? {};
  if (str(tspec.restartPolicy) !== "Always") {
    errs.push(notSupportedField(tPath.child("spec", "restartPolicy"), str(tspec.restartPolicy), ["Always"]));
  }
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(
      invalidField(
        tPath.child("spec", "activeDeadlineSeconds"),
        tspec.activeDeadlineSeconds,
        "activeDeadlineSeconds in ReplicaSet is not Supported",
      ),
    );
  }
  return errs;
}

function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = specOf(obj).selector;
  return validateImmutableField(
    next,
    specOf(old).selector,
    FieldPath.of("spec", "selector"),
    goLabelSelector(next as LabelSelectorSpec),
  );
}

function defaultTemplate(spec: Obj): void {
  defaultPodTemplate(child(spec, "template"));
}

// ---------------------------------------------------------------- Deployment

function defaultDeployment(obj: KubeObject): void {
  const spec = child(obj, "spec");
  setDefault(spec, "replicas", 1);
  const strategy = child(spec, "strategy");
  setDefaultStr(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    setDefault(ru, "maxUnavailable", "25%");
    setDefault(ru, "maxSurge", "25%");
  }
  setDefault(spec, "revisionHistoryLimit", 10);
  setDefault(spec, "progressDeadlineSeconds", 600);
  defaultTemplate(spec);
}

function validateDeploymentStrategy(strategy: Obj | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const s = strategy ?? {};
  const type = str(s.type);
  if (type === "Recreate") {
    if (s.rollingUpdate !== undefined && s.rollingUpdate !== null) {
      errs.push(forbiddenField(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (type === "RollingUpdate") {
    const ru = sub(s, "rollingUpdate");
    if (!ru) errs.push(requiredField(path.child("rollingUpdate"), "this should be defaulted and never be nil"));
    else {
      const rp = path.child("rollingUpdate");
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child("maxUnavailable")));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child("maxSurge")));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(
          invalidGoField(
            rp.child("maxUnavailable"),
            goIntOrString(ru.maxUnavailable),
            "may not be 0 when `maxSurge` is 0",
          ),
        );
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, rp.child("maxUnavailable")));
    }
  } else {
    errs.push(notSupportedGoField(path, goDeploymentStrategy(s), ["Recreate", "RollingUpdate"]));
  }
  return errs;
}

function goDeploymentStrategy(s: Obj): GoValue {
  const ru = sub(s, "rollingUpdate");
  // Go prints a set pointer as its address, which no one can reproduce; the nil case is exact.
  const ruText = ru ? "(*apps.RollingUpdateDeployment)(0xc000000000)" : "(*apps.RollingUpdateDeployment)(nil)";
  return new GoValue(`apps.DeploymentStrategy{Type:${goQuote(str(s.type))}, RollingUpdate:${ruText}}`);
}

function validateDeployment(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(num(spec.replicas) ?? 0, path.child("replicas")));
  errs.push(...validateSelector(spec, path, "deployment"));
  errs.push(...validateTemplateForReplicaSet(spec, path, "invalid label selector", old));
  errs.push(...validateDeploymentStrategy(sub(spec, "strategy"), path.child("strategy")));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child("minReadySeconds")));
  const rhl = num(spec.revisionHistoryLimit);
  if (rhl !== undefined) errs.push(...validateNonnegativeField(rhl, path.child("revisionHistoryLimit")));
  const rollback = sub(spec, "rollbackTo");
  if (rollback) errs.push(...validateNonnegativeField(num(rollback.revision) ?? 0, path.child("rollback", "version")));
  const pds = num(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...validateNonnegativeField(pds, path.child("progressDeadlineSeconds")));
    if (pds <= (num(spec.minReadySeconds) ?? 0)) {
      errs.push(invalidField(path.child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds"));
    }
  }
  return errs;
}

export const deploymentStrategy: KindStrategy = {
  default: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: selectorImmutable,
};

// ---------------------------------------------------------------- ReplicaSet

function defaultReplicaSet(obj: KubeObject): void {
  const spec = child(obj, "spec");
  setDefault(spec, "replicas", 1);
  defaultTemplate(spec);
}

function validateReplicaSet(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(num(spec.replicas) ?? 0, path.child("replicas")));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child("minReadySeconds")));
  errs.push(...validateSelector(spec, path, "deployment"));
  errs.push(...validateTemplateForReplicaSet(spec, path, "invalid label selector", old));
  return errs;
}

export const replicaSetStrategy: KindStrategy = {
  default: defaultReplicaSet,
  validate: validateReplicaSet,
  validateUpdate: selectorImmutable,
};

// ---------------------------------------------------------------- StatefulSet

function defaultStatefulSet(obj: KubeObject): void {
  const spec = child(obj, "spec");
  setDefaultStr(spec, "podManagementPolicy", "OrderedReady");
  const us = child(spec, "updateStrategy");
  if (str(us.type) === "") {
    us.type = "RollingUpdate";
    if (!isObj(us.rollingUpdate)) us.rollingUpdate = {};
  }
  if (us.type === "RollingUpdate" && isObj(us.rollingUpdate)) setDefault(us.rollingUpdate, "partition", 0);
  const retention = child(spec, "persistentVolumeClaimRetentionPolicy");
  setDefaultStr(retention, "whenDeleted", "Retain");
  setDefaultStr(retention, "whenScaled", "Retain");
  setDefault(spec, "replicas", 1);
  setDefault(spec, "revisionHistoryLimit", 10);
  defaultTemplate(spec);
  // SetObjectDefaults_StatefulSet defaults each claim template as a PersistentVolumeClaim.
  for (const claim of objs(spec.volumeClaimTemplates)) {
    defaultEmbeddedMetadata(claim);
    defaultClaimSpec(child(claim, "spec"));
    setDefaultStr(child(claim, "status"), "phase", "Pending");
  }
}

function validateStatefulSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (pmp === "") errs.push(requiredField(path.child("podManagementPolicy")));
  else if (pmp !== "OrderedReady" && pmp !== "Parallel") {
    errs.push(invalidField(path.child("podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us = sub(spec, "updateStrategy") ?? {};
  const usPath = path.child("updateStrategy");
  switch (str(us.type)) {
    case "":
      errs.push(requiredField(usPath));
      break;
    case "OnDelete":
      if (us.rollingUpdate !== undefined && us.rollingUpdate !== null) {
        errs.push(
          invalidField(
            usPath.child("rollingUpdate"),
            us.rollingUpdate,
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case "RollingUpdate": {
      const ru = sub(us, "rollingUpdate");
      if (ru) {
        const rp = usPath.child("rollingUpdate");
        errs.push(...validateNonnegativeField(num(ru.partition) ?? 0, rp.child("partition")));
        if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child("maxUnavailable")));
          if (intOrPercentValue(ru.maxUnavailable) === 0) {
            errs.push(invalidGoField(rp.child("maxUnavailable"), goIntOrString(ru.maxUnavailable), "cannot be 0"));
          }
          errs.push(...notMoreThan100Percent(ru.maxUnavailable, rp.child("maxUnavailable")));
        }
      }
      break;
    }
    default:
      errs.push(invalidField(usPath, us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = sub(spec, "persistentVolumeClaimRetentionPolicy");
  if (retention) {
    for (const f of ["whenDeleted", "whenScaled"]) {
      const v = str(retention[f]);
      if (v !== "Retain" && v !== "Delete") {
        errs.push(notSupportedField(path.child("persistentVolumeClaimRetentionPolicy", f), v, ["Retain", "Delete"]));
      }
    }
  }
  errs.push(...validateNonnegativeField(num(spec.replicas) ?? 0, path.child("replicas")));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child("minReadySeconds")));
  const ordinals = sub(spec, "ordinals");
  if (ordinals) errs.push(...validateNonnegativeField(num(ordinals.start) ?? 0, path.child("ordinals.start")));
  errs.push(...validateSelector(spec, path, "statefulset"));
  const selector = selectorOf(spec);
  const match = labelSelectorMatches(selector, templateLabels(spec));
  const tPath = path.child("template");
  const template = sub(spec, "template") ?? {};
  const meta = sub(template, "metadata") ?? {};
  const tspec = sub(template, "spec") ?? {};
  if (match === undefined) errs.push(invalidGoField(path.child("selector"), goLabelSelector(selector), ""));
  else {
    const empty = selector !== undefined && labelSelectorIsEmpty(selector);
    if (!empty && !match) {
      errs.push(
        invalidGoField(
          tPath.child("metadata", "labels"),
          goStringMap(templateLabels(spec)),
          "`selector` does not match template `labels`",
        ),
      );
    }
    errs.push(...validateLabels(strMap(meta.labels), tPath.child("labels")));
    errs.push(...validateAnnotations(strMap(meta.annotations), tPath.child("annotations")));
    errs.push(...validatePodSpecificAnnotations(meta.annotations, tspec, tPath.child("annotations")));
  }
  if (str(tspec.restartPolicy) !== "Always") {
    errs.push(notSupportedField(tPath.child("spec", "restartPolicy"), str(tspec.restartPolicy), ["Always"]));
  }
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(
      forbiddenField(
        tPath.child("spec", "activeDeadlineSeconds"),
        "activeDeadlineSeconds in StatefulSet is not Supported",
      ),
    );
  }
  return errs;
}

const statefulSetMutable = [
  "replicas",
  "template",
  "updateStrategy",
  "minReadySeconds",
  "ordinals",
  "persistentVolumeClaimRetentionPolicy",
];

function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const next: Obj = { ...specOf(obj) };
  const prev: Obj = { ...specOf(old) };
  for (const f of statefulSetMutable) {
    delete next[f];
    delete prev[f];
  }
  if (validateImmutableField(next, prev, "spec").length > 0) {
    return [
      forbiddenField(
        "spec",
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    ];
  }
  return [];
}

export const statefulSetStrategy: KindStrategy = {
  default: defaultStatefulSet,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
};

// ---------------------------------------------------------------- DaemonSet

function defaultDaemonSet(obj: KubeObject): void {
  const spec = child(obj, "spec");
  const us = child(spec, "updateStrategy");
  setDefaultStr(us, "type", "RollingUpdate");
  if (us.type === "RollingUpdate") {
    const ru = child(us, "rollingUpdate");
    setDefault(ru, "maxUnavailable", 1);
    setDefault(ru, "maxSurge", 0);
  }
  setDefault(spec, "revisionHistoryLimit", 10);
  defaultTemplate(spec);
}

function validateDaemonSet(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  const selector = selectorOf(spec);
  errs.push(...validateLabelSelector(selector, path.child("selector")));
  const match = labelSelectorMatches(selector, templateLabels(spec));
  if (match === false) {
    errs.push(
      invalidGoField(
        path.child("template", "metadata", "labels"),
        goStringMap(templateLabels(spec)),
        "`selector` does not match template `labels`",
      ),
    );
  }
  if (selector && labelSelectorIsEmpty(selector)) {
    errs.push(
      invalidGoField(path.child("selector"), goLabelSelector(selector), "empty selector is invalid for daemonset"),
    );
  }
  const template = sub(spec, "template");
  errs.push(
    ...validatePodTemplateSpec(
      template,
      path.child("template"),
      podTemplateValidationOptions(sub(old?.spec, "template")),
    ),
  );
  const tspec = sub(template, "spec") ?? {};
  if (str(tspec.restartPolicy) !== "Always") {
    errs.push(notSupportedField(path.child("template", "spec", "restartPolicy"), str(tspec.restartPolicy), ["Always"]));
  }
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(
      forbiddenField(
        path.child("template", "spec", "activeDeadlineSeconds"),
        "activeDeadlineSeconds in DaemonSet is not Supported",
      ),
    );
  }
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child("minReadySeconds")));
  errs.push(...validateNonnegativeField(num(spec.templateGeneration) ?? 0, path.child("templateGeneration")));
  const us = sub(spec, "updateStrategy") ?? {};
  const usPath = path.child("updateStrategy");
  if (us.type === "RollingUpdate") {
    const ru = sub(us, "rollingUpdate");
    if (!ru) errs.push(requiredField(usPath.child("rollingUpdate")));
    else {
      const rp = usPath.child("rollingUpdate");
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child("maxUnavailable")));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child("maxSurge")));
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, rp.child("maxUnavailable")));
      errs.push(...notMoreThan100Percent(ru.maxSurge, rp.child("maxSurge")));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(
          invalidGoField(
            rp.child("maxSurge"),
            goIntOrString(ru.maxSurge),
            "may not be set when maxUnavailable is non-zero",
          ),
        );
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(requiredField(rp.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
      }
    }
  } else if (us.type !== "OnDelete") {
    errs.push(notSupportedField(usPath, us, ["RollingUpdate", "OnDelete"]));
  }
  const rhl = num(spec.revisionHistoryLimit);
  if (rhl !== undefined) errs.push(...validateNonnegativeField(rhl, path.child("revisionHistoryLimit")));
  return errs;
}

export const daemonSetStrategy: KindStrategy = {
  default: defaultDaemonSet,
  validate: validateDaemonSet,
  validateUpdate: selectorImmutable,
};

// ---------------------------------------------------------------- ControllerRevision

export const controllerRevisionStrategy: KindStrategy = {
  validate(obj) {
    const errs: FieldError[] = [];
    if (obj.data === undefined || obj.data === null) errs.push(requiredField("data", "data is mandatory"));
    errs.push(...validateNonnegativeField(num(obj.revision) ?? 0, "revision"));
    return errs;
  },
  validateUpdate(obj, old) {
    return validateImmutableField(obj.data, old.data, "data");
  },
};

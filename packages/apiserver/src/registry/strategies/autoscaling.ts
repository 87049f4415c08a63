// HorizontalPodAutoscaler: kube 1.28's defaults, for the version the request
// came in (minReplicas 1; a CPU utilization target of 80% when none is given,
// in v1 by its conversion, in v2 by its defaults; v2 also fills a given
// behavior's scaling rules), and the quantities of v2's metric values; then
// kube 1.28's validation, run on the internal version's shape (a v1 object is
// converted first, so its causes carry the internal paths).

import {
  type FieldError,
  FieldPath,
  forbiddenField,
  type GoValue,
  invalidField,
  invalidGoField,
  isDNS1123Label,
  isQualifiedName,
  nameIsPathSegment,
  notSupportedField,
  parseQuantity,
  requiredField,
  validateNonnegativeField,
} from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../strategy.js";
import { GO_ZERO_QUANTITY, goQuantity } from "./go-quantity.js";
import {
  BEHAVIOR_ANNOTATION,
  isSet,
  METRICS_ANNOTATION,
  v1AnnotationBehavior,
  v1AnnotationMetrics,
  ZERO_QUANTITY,
} from "./hpa-v1-annotations.js";
import { canonicalQuantity, sentQuantity } from "./quantities.js";
import {
  isExtendedResourceName,
  isHugePages,
  isNativeResource,
  isStandardResourceName,
  standardContainerResources,
} from "./resource-names.js";
import { child, isObj, num, type Obj, objs, setDefault, str, sub } from "./util.js";

/** autoscaling.DefaultCPUUtilization. */
const DEFAULT_CPU_UTILIZATION = 80;

const scaleUpRules = () => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
});
// No stabilization window: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
const scaleDownRules = () => ({ selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] });

/** GenerateHPAScale{Up,Down}Rules: the defaults, with what the rules given set. */
function scalingRules(given: unknown, defaults: Obj): Obj {
  if (!isObj(given)) return defaults;
  const out = defaults;
  for (const key of ["selectPolicy", "stabilizationWindowSeconds", "policies"]) {
    if (given[key] !== undefined && given[key] !== null) out[key] = given[key];
  }
  return out;
}

const metricSources = ["object", "pods", "resource", "containerResource", "external"];

/** MaxPeriodSeconds and MaxStabilizationWindowSeconds of kube's autoscaling validation. */
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** A sent quantity's sign and its %#v text; throws kube's parse message for a value that is no quantity. */
function sentQuantityValue(sent: unknown): { sign: number; shown: GoValue } {
  if (sent === ZERO_QUANTITY) return { sign: 0, shown: GO_ZERO_QUANTITY };
  const text = typeof sent === "number" ? String(sent) : str(sent).trim();
  return { sign: parseQuantity(text).sign(), shown: goQuantity(text) };
}

/** ValidateCrossVersionObjectReference: kind and name set, each a valid path segment. */
function validateCrossVersionObjectReference(ref: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ["kind", "name"]) {
    const v = isObj(ref) ? str(ref[key]) : "";
    if (v === "") errs.push(requiredField(path.child(key)));
    else for (const msg of nameIsPathSegment(v, false)) errs.push(invalidField(path.child(key), v, msg));
  }
  return errs;
}

/** validateMetricIdentifier: only the name is checked (1.28 leaves the selector alone). */
function validateMetricIdentifier(id: unknown, path: FieldPath): FieldError[] {
  const name = isObj(id) ? str(id.name) : "";
  if (name === "") return [requiredField(path.child("name"), "must specify a metric name")];
  return nameIsPathSegment(name, false).map((msg) => invalidField(path.child("name"), name, msg));
}

/**
 * core/v1/validation's ValidateContainerResourceName (the versioned one, whose message for a bad extended
 * resource differs from core/validation's): a qualified name, standard when unprefixed.
 */
function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalidField(path, name, msg));
  const prefixed = name.includes("/");
  if (errs.length === 0 && !prefixed) {
    if (!isStandardResourceName(name))
      errs.push(invalidField(path, name, "must be a standard resource type or fully qualified"));
  }
  if (!prefixed) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) {
      errs.push(invalidField(path, name, "must be a standard resource for containers"));
    }
  } else if (!isNativeResource(name)) {
    if (!isExtendedResourceName(name))
      errs.push(invalidField(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

const metricTargetTypes = new Set(["Utilization", "Value", "AverageValue"]);

/** validateMetricTarget. */
function validateMetricTarget(target: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(target.type);
  if (type === "") errs.push(requiredField(path.child("type"), "must specify a metric target type"));
  if (!metricTargetTypes.has(type)) {
    errs.push(invalidField(path.child("type"), type, "must be either Utilization, Value, or AverageValue"));
  }
  for (const key of ["value", "averageValue"]) {
    const sent = sentQuantity(target, key);
    if (!isSet(sent)) continue;
    try {
      const q = sentQuantityValue(sent);
      if (q.sign !== 1) errs.push(invalidGoField(path.child(key), q.shown, "must be positive"));
    } catch (e) {
      // kube refuses such a body while decoding it; here it is refused with the parser's message.
      errs.push(invalidField(path.child(key), sent, (e as Error).message));
    }
  }
  const utilization = num(target.averageUtilization);
  if (utilization !== undefined && utilization < 1) {
    errs.push(invalidField(path.child("averageUtilization"), utilization, "must be greater than 0"));
  }
  return errs;
}

/** The target of a metric source; a missing one is Go's zero MetricTarget. */
const targetOf = (src: Obj): Obj => sub(src, "target") ?? {};

function validateObjectSource(src: Obj, path: FieldPath): FieldError[] {
  const target = targetOf(src);
  const errs = [
    ...validateCrossVersionObjectReference(src.describedObject, path.child("describedObject")),
    ...validateMetricIdentifier(src.metric, path.child("metric")),
    ...validateMetricTarget(target, path.child("target")),
  ];
  if (!isSet(target.value) && !isSet(target.averageValue)) {
    errs.push(requiredField(path.child("target", "averageValue"), "must set either a target value or averageValue"));
  }
  return errs;
}

function validateExternalSource(src: Obj, path: FieldPath): FieldError[] {
  const target = targetOf(src);
  const errs = [
    ...validateMetricIdentifier(src.metric, path.child("metric")),
    ...validateMetricTarget(target, path.child("target")),
  ];
  if (!isSet(target.value) && !isSet(target.averageValue)) {
    errs.push(
      requiredField(
        path.child("target", "averageValue"),
        "must set either a target value for metric or a per-pod target",
      ),
    );
  }
  if (isSet(target.value) && isSet(target.averageValue)) {
    errs.push(
      forbiddenField(path.child("target", "value"), "may not set both a target value for metric and a per-pod target"),
    );
  }
  return errs;
}

function validatePodsSource(src: Obj, path: FieldPath): FieldError[] {
  const target = targetOf(src);
  const errs = [
    ...validateMetricIdentifier(src.metric, path.child("metric")),
    ...validateMetricTarget(target, path.child("target")),
  ];
  if (!isSet(target.averageValue)) {
    errs.push(requiredField(path.child("target", "averageValue"), "must specify a positive target averageValue"));
  }
  return errs;
}

/** The rule resource and containerResource sources share: a raw value or a utilization, not both. */
function utilizationOrValue(target: Obj, path: FieldPath): FieldError[] {
  if (!isSet(target.averageUtilization) && !isSet(target.averageValue)) {
    return [
      requiredField(
        path.child("target", "averageUtilization"),
        "must set either a target raw value or a target utilization",
      ),
    ];
  }
  if (isSet(target.averageUtilization) && isSet(target.averageValue)) {
    return [
      forbiddenField(
        path.child("target", "averageValue"),
        "may not set both a target raw value and a target utilization",
      ),
    ];
  }
  return [];
}

function validateResourceSource(src: Obj, path: FieldPath): FieldError[] {
  const target = targetOf(src);
  const errs: FieldError[] = [];
  if (str(src.name) === "") errs.push(requiredField(path.child("name"), "must specify a resource name"));
  errs.push(...validateMetricTarget(target, path.child("target")), ...utilizationOrValue(target, path));
  return errs;
}

function validateContainerResourceSource(src: Obj, path: FieldPath): FieldError[] {
  const target = targetOf(src);
  const errs: FieldError[] = [];
  const name = str(src.name);
  if (name === "") errs.push(requiredField(path.child("name"), "must specify a resource name"));
  else errs.push(...validateContainerResourceName(name, path.child("name")));
  const container = str(src.container);
  if (container === "") errs.push(requiredField(path.child("container"), "must specify a container"));
  else errs.push(...isDNS1123Label(container).map((msg) => invalidField(path.child("container"), container, msg)));
  errs.push(...validateMetricTarget(target, path.child("target")), ...utilizationOrValue(target, path));
  return errs;
}

/** The metric sources in the order kube looks at them, each with its field and the type naming it. */
const sources: [field: string, type: string, check: (src: Obj, path: FieldPath) => FieldError[]][] = [
  ["object", "Object", validateObjectSource],
  ["external", "External", validateExternalSource],
  ["pods", "Pods", validatePodsSource],
  ["resource", "Resource", validateResourceSource],
  ["containerResource", "ContainerResource", validateContainerResourceSource],
];
const metricSourceTypes = ["ContainerResource", "External", "Object", "Pods", "Resource"];

/**
 * validateMetricSpec: a supported type, its source populated and no other; only the first source present is
 * validated further.
 */
function validateMetricSpec(metric: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(metric.type);
  if (type === "") errs.push(requiredField(path.child("type"), "must specify a metric source type"));
  const supported = metricSourceTypes.includes(type);
  if (!supported) errs.push(notSupportedField(path.child("type"), type, metricSourceTypes));
  const present: string[] = [];
  for (const [field, , check] of sources) {
    const src = metric[field];
    if (!isObj(src)) continue;
    present.push(field);
    if (present.length === 1) errs.push(...check(src, path.child(field)));
  }
  const expected = sources.find(([, t]) => t === type)?.[0];
  if (expected !== undefined && !isObj(metric[expected])) {
    errs.push(requiredField(path.child(expected), "must populate information for the given metric source"));
  }
  // An unknown type is refused twice over, as kube's check and its switch's default both refuse it.
  if (!supported) errs.push(notSupportedField(path.child("type"), type, metricSourceTypes));
  // kube walks a set here (in no set order); the sources are taken in the order they were looked at.
  if (present.length !== 1) {
    for (const field of present) {
      if (field !== expected)
        errs.push(forbiddenField(path.child(field), "must populate the given metric source only"));
    }
  }
  return errs;
}

function validateMetrics(metrics: unknown, path: FieldPath, minReplicas: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let objectOrExternal = false;
  objs(metrics).forEach((m, i) => {
    errs.push(...validateMetricSpec(m, path.index(i)));
    if (m.type === "Object" || m.type === "External") objectOrExternal = true;
  });
  if (minReplicas === 0 && !objectOrExternal) {
    errs.push(
      forbiddenField(path, "must specify at least one Object or External metric to support scaling to zero replicas"),
    );
  }
  return errs;
}

function validateScalingPolicy(policy: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(policy.type);
  if (type !== "Pods" && type !== "Percent")
    errs.push(notSupportedField(path.child("type"), type, ["Percent", "Pods"]));
  const value = num(policy.value) ?? 0;
  if (value <= 0) errs.push(invalidField(path.child("value"), value, "must be greater than zero"));
  const period = num(policy.periodSeconds) ?? 0;
  if (period <= 0) errs.push(invalidField(path.child("periodSeconds"), period, "must be greater than zero"));
  if (period > MAX_PERIOD_SECONDS) {
    errs.push(invalidField(path.child("periodSeconds"), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  }
  return errs;
}

function validateScalingRules(rules: unknown, path: FieldPath): FieldError[] {
  if (!isObj(rules)) return [];
  const errs: FieldError[] = [];
  const window = num(rules.stabilizationWindowSeconds);
  if (window !== undefined && window < 0) {
    errs.push(invalidField(path.child("stabilizationWindowSeconds"), window, "must be greater than or equal to zero"));
  }
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(
      invalidField(
        path.child("stabilizationWindowSeconds"),
        window,
        `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
      ),
    );
  }
  if (isSet(rules.selectPolicy) && !["Disabled", "Max", "Min"].includes(str(rules.selectPolicy))) {
    errs.push(notSupportedField(path.child("selectPolicy"), str(rules.selectPolicy), ["Disabled", "Max", "Min"]));
  }
  const policies = objs(rules.policies);
  if (policies.length === 0) errs.push(requiredField(path.child("policies"), "must specify at least one Policy"));
  policies.forEach((p, i) => {
    errs.push(...validateScalingPolicy(p, path.child("policies").index(i)));
  });
  return errs;
}

/** validateHorizontalPodAutoscalerSpec, on the internal (v2-shaped) spec. */
function validateSpec(spec: Obj, path: FieldPath, minReplicasLowerBound: number): FieldError[] {
  const errs: FieldError[] = [];
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas) ?? 0;
  if (min !== undefined && min < minReplicasLowerBound) {
    errs.push(
      invalidField(path.child("minReplicas"), min, `must be greater than or equal to ${minReplicasLowerBound}`),
    );
  }
  if (max < 1) errs.push(invalidField(path.child("maxReplicas"), max, "must be greater than 0"));
  if (min !== undefined && max < min) {
    errs.push(invalidField(path.child("maxReplicas"), max, "must be greater than or equal to `minReplicas`"));
  }
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, path.child("scaleTargetRef")));
  errs.push(...validateMetrics(spec.metrics, path.child("metrics"), min));
  const behavior = sub(spec, "behavior");
  if (behavior) {
    errs.push(...validateScalingRules(behavior.scaleUp, path.child("behavior", "scaleUp")));
    errs.push(...validateScalingRules(behavior.scaleDown, path.child("behavior", "scaleDown")));
  }
  return errs;
}

const cpuUtilization = (percent: number): Obj => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization: percent } },
});

/**
 * The spec kube validates: the internal version's. A v2 spec already has its shape; a v1 one is converted as
 * kube converts it (the CPU target as a Resource metric, after the annotation's metrics; the annotation's
 * behavior; the 80% CPU target when no metric is left).
 */
function internalSpec(obj: KubeObject): Obj {
  const spec = sub(obj, "spec") ?? {};
  if (obj.apiVersion !== "autoscaling/v1") return spec;
  const annotations = sub(obj.metadata, "annotations") ?? {};
  const cpu = num(spec.targetCPUUtilizationPercentage);
  let metrics = cpu === undefined ? [] : [cpuUtilization(cpu)];
  const annotated = v1AnnotationMetrics(annotations[METRICS_ANNOTATION]);
  if (annotated) metrics = [...annotated, ...metrics];
  if (metrics.length === 0) metrics = [cpuUtilization(DEFAULT_CPU_UTILIZATION)];
  const behavior = v1AnnotationBehavior(annotations[BEHAVIOR_ANNOTATION]);
  return {
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics,
    ...(behavior ? { behavior } : {}),
  };
}

export const horizontalPodAutoscalerStrategy: KindStrategy = {
  default(obj) {
    const spec = child(obj, "spec");
    setDefault(spec, "minReplicas", 1);
    if (obj.apiVersion === "autoscaling/v1") {
      // v1's conversion applies the 80% CPU target a v1 object without one always had, unless the metrics
      // annotation carries others.
      if (!obj.metadata?.annotations?.[METRICS_ANNOTATION]) {
        setDefault(spec, "targetCPUUtilizationPercentage", DEFAULT_CPU_UTILIZATION);
      }
      return;
    }
    if (objs(spec.metrics).length === 0) {
      spec.metrics = [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } },
        },
      ];
    }
    const behavior = sub(spec, "behavior");
    if (behavior) {
      behavior.scaleUp = scalingRules(behavior.scaleUp, scaleUpRules());
      behavior.scaleDown = scalingRules(behavior.scaleDown, scaleDownRules());
    }
    for (const m of objs(spec.metrics)) {
      for (const source of metricSources) {
        const target = sub(sub(m, source), "target");
        canonicalQuantity(target, "value");
        canonicalQuantity(target, "averageValue");
      }
    }
    for (const m of objs(sub(obj, "status")?.currentMetrics)) {
      for (const source of metricSources) {
        const current = sub(sub(m, source), "current");
        canonicalQuantity(current, "value");
        canonicalQuantity(current, "averageValue");
      }
    }
  },

  // ValidateHorizontalPodAutoscaler and, with the stored object, ValidateHorizontalPodAutoscalerUpdate: the
  // same spec checks but for the lowest minReplicas. HPAScaleToZero is off in 1.28, so 0 is refused unless the
  // stored object already has it.
  validate(obj, old) {
    const oldMin = old ? num(sub(old, "spec")?.minReplicas) : undefined;
    return validateSpec(internalSpec(obj), FieldPath.of("spec"), oldMin === 0 ? 0 : 1);
  },

  // Nothing is immutable in an HPA's spec: validate(obj, old) already ran the update's checks.
  validateUpdate() {
    return [];
  },

  // ValidateHorizontalPodAutoscalerStatusUpdate: only the replica counts are checked.
  validateStatusUpdate(obj) {
    const status = sub(obj, "status");
    return [
      ...validateNonnegativeField(num(status?.currentReplicas) ?? 0, FieldPath.of("status", "currentReplicas")),
      ...validateNonnegativeField(num(status?.desiredReplicas) ?? 0, FieldPath.of("status", "desiredReplicas")),
    ];
  },
};

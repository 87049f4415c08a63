// autoscaling/v1 has fields only for a CPU utilization target. kube 1.28's
// conversion keeps the rest of a HorizontalPodAutoscaler in annotations of
// the v1 object: the other metrics, every current metric, the conditions (each
// as a JSON list of v1's alpha MetricSpec/MetricStatus/Condition types) and
// the behavior (as JSON of the internal Go type, whose fields have no JSON
// names). A v1 read writes them; a v1 write reads them back and drops them, so
// a v1 client's get-modify-put keeps what only v2 can express.
//
// Decoding follows Go's encoding/json: keys match fields case-insensitively,
// the last one winning; a value of the wrong type makes the whole annotation
// ignored. Encoding follows it too: fields in the Go structs' order,
// `omitempty` ones left out when unset, others written as their zero value.

import { parseQuantity } from "@wharf/apimachinery";
import { canonicalQuantity } from "./quantities.js";
import { isObj, type Obj, sortedKeys, sub } from "./util.js";

export const METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
const ROUND_TRIP = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

/** Go's zero resource.Quantity: what v1's required quantities convert to when not sent (validation shows it so). */
export const ZERO_QUANTITY = Symbol("zero resource.Quantity");

export const isSet = (v: unknown) => v !== undefined && v !== null;

class GoDecodeError extends Error {}

function jsonField(o: Obj, name: string): unknown {
  let v: unknown;
  const folded = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === folded) v = o[k];
  return v;
}

function goString(v: unknown): string | undefined {
  if (!isSet(v)) return undefined;
  if (typeof v !== "string") throw new GoDecodeError();
  return v;
}

function goInt32(v: unknown): number | undefined {
  if (!isSet(v)) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new GoDecodeError();
  return v;
}

/** A struct field: null and absent leave it zero. */
function goStruct(v: unknown): Obj | undefined {
  if (!isSet(v)) return undefined;
  if (!isObj(v)) throw new GoDecodeError();
  return v;
}

/** A quantity as sent, checked as Quantity.UnmarshalJSON checks it. */
function decodedQuantity(v: unknown): unknown {
  if (!isSet(v)) return undefined;
  if (typeof v !== "string" && typeof v !== "number") throw new GoDecodeError();
  try {
    parseQuantity(typeof v === "number" ? String(v) : v.trim());
  } catch {
    throw new GoDecodeError();
  }
  return v;
}

function goSlice(v: unknown): Obj[] | undefined {
  if (!isSet(v)) return undefined;
  if (!Array.isArray(v)) throw new GoDecodeError();
  return v.map((x) => goStruct(x) ?? {});
}

/** A metav1.LabelSelector, as the decoder keeps it (matchLabels, matchExpressions). */
function goSelector(v: unknown): Obj | undefined {
  const sel = goStruct(v);
  if (!sel) return undefined;
  const out: Obj = {};
  const labels = goStruct(jsonField(sel, "matchLabels"));
  if (labels) {
    const m: Obj = {};
    for (const k of Object.keys(labels)) m[k] = goString(labels[k]) ?? "";
    out.matchLabels = m;
  }
  const exprs = goSlice(jsonField(sel, "matchExpressions"));
  if (exprs) {
    out.matchExpressions = exprs.map((e) => {
      const values = jsonField(e, "values");
      if (isSet(values) && !Array.isArray(values)) throw new GoDecodeError();
      return {
        key: goString(jsonField(e, "key")) ?? "",
        operator: goString(jsonField(e, "operator")) ?? "",
        ...(Array.isArray(values) ? { values: values.map((x) => goString(x) ?? "") } : {}),
      };
    });
  }
  return out;
}

/** A v1 CrossVersionObjectReference as the internal version has it. */
function objectReference(ref: Obj): Obj {
  return {
    kind: goString(jsonField(ref, "kind")),
    name: goString(jsonField(ref, "name")),
    apiVersion: goString(jsonField(ref, "apiVersion")),
  };
}

/** Convert_v1_{Resource,ContainerResource}MetricSource: a utilization target when one is given. */
function v1ResourceTarget(src: Obj): Obj {
  const averageUtilization = goInt32(jsonField(src, "targetAverageUtilization"));
  const averageValue = decodedQuantity(jsonField(src, "targetAverageValue"));
  return { type: averageUtilization === undefined ? "AverageValue" : "Utilization", averageUtilization, averageValue };
}

/** One v1 MetricSpec of the annotation, converted to the internal shape. */
function fromV1MetricSpec(m: Obj): Obj {
  const out: Obj = { type: goString(jsonField(m, "type")) ?? "" };
  const object = goStruct(jsonField(m, "object"));
  if (object) {
    // targetValue is no pointer in v1: unsent, it converts to a zero quantity, always set.
    const value = decodedQuantity(jsonField(object, "targetValue")) ?? ZERO_QUANTITY;
    const averageValue = decodedQuantity(jsonField(object, "averageValue"));
    out.object = {
      describedObject: objectReference(goStruct(jsonField(object, "target")) ?? {}),
      metric: { name: goString(jsonField(object, "metricName")), selector: goSelector(jsonField(object, "selector")) },
      target: { type: averageValue === undefined ? "Value" : "AverageValue", value, averageValue },
    };
  }
  const pods = goStruct(jsonField(m, "pods"));
  if (pods) {
    out.pods = {
      metric: { name: goString(jsonField(pods, "metricName")), selector: goSelector(jsonField(pods, "selector")) },
      target: {
        type: "AverageValue",
        averageValue: decodedQuantity(jsonField(pods, "targetAverageValue")) ?? ZERO_QUANTITY,
      },
    };
  }
  const resource = goStruct(jsonField(m, "resource"));
  if (resource) out.resource = { name: goString(jsonField(resource, "name")), target: v1ResourceTarget(resource) };
  const container = goStruct(jsonField(m, "containerResource"));
  if (container) {
    out.containerResource = {
      name: goString(jsonField(container, "name")),
      container: goString(jsonField(container, "container")),
      target: v1ResourceTarget(container),
    };
  }
  const external = goStruct(jsonField(m, "external"));
  if (external) {
    const value = decodedQuantity(jsonField(external, "targetValue"));
    out.external = {
      metric: {
        name: goString(jsonField(external, "metricName")),
        selector: goSelector(jsonField(external, "metricSelector")),
      },
      target: {
        type: value === undefined ? "AverageValue" : "Value",
        value,
        averageValue: decodedQuantity(jsonField(external, "targetAverageValue")),
      },
    };
  }
  return out;
}

/** One v1 MetricStatus of the annotation, converted to the internal shape. */
function fromV1MetricStatus(m: Obj): Obj {
  const out: Obj = { type: goString(jsonField(m, "type")) ?? "" };
  const object = goStruct(jsonField(m, "object"));
  if (object) {
    out.object = {
      describedObject: objectReference(goStruct(jsonField(object, "target")) ?? {}),
      metric: { name: goString(jsonField(object, "metricName")), selector: goSelector(jsonField(object, "selector")) },
      current: {
        value: decodedQuantity(jsonField(object, "currentValue")) ?? ZERO_QUANTITY,
        averageValue: decodedQuantity(jsonField(object, "averageValue")),
      },
    };
  }
  const pods = goStruct(jsonField(m, "pods"));
  if (pods) {
    out.pods = {
      metric: { name: goString(jsonField(pods, "metricName")), selector: goSelector(jsonField(pods, "selector")) },
      current: { averageValue: decodedQuantity(jsonField(pods, "currentAverageValue")) ?? ZERO_QUANTITY },
    };
  }
  const current = (src: Obj): Obj => ({
    averageValue: decodedQuantity(jsonField(src, "currentAverageValue")) ?? ZERO_QUANTITY,
    averageUtilization: goInt32(jsonField(src, "currentAverageUtilization")),
  });
  const resource = goStruct(jsonField(m, "resource"));
  if (resource) out.resource = { name: goString(jsonField(resource, "name")), current: current(resource) };
  const container = goStruct(jsonField(m, "containerResource"));
  if (container) {
    out.containerResource = {
      name: goString(jsonField(container, "name")),
      container: goString(jsonField(container, "container")),
      current: current(container),
    };
  }
  const external = goStruct(jsonField(m, "external"));
  if (external) {
    out.external = {
      metric: {
        name: goString(jsonField(external, "metricName")),
        selector: goSelector(jsonField(external, "metricSelector")),
      },
      current: {
        value: decodedQuantity(jsonField(external, "currentValue")) ?? ZERO_QUANTITY,
        averageValue: decodedQuantity(jsonField(external, "currentAverageValue")),
      },
    };
  }
  return out;
}

function fromV1Condition(c: Obj): Obj {
  return {
    type: goString(jsonField(c, "type")),
    status: goString(jsonField(c, "status")),
    lastTransitionTime: goString(jsonField(c, "lastTransitionTime")),
    reason: goString(jsonField(c, "reason")),
    message: goString(jsonField(c, "message")),
  };
}

/** An annotation's list, each converted; undefined when it is absent or does not decode. */
function decodedList(text: unknown, convert: (o: Obj) => Obj): Obj[] | undefined {
  if (typeof text !== "string") return undefined;
  try {
    return (goSlice(JSON.parse(text)) ?? []).map(convert);
  } catch {
    return undefined;
  }
}

/** The metrics annotation's metrics (internal shape, zero quantities as ZERO_QUANTITY), or undefined. */
export function v1AnnotationMetrics(text: unknown): Obj[] | undefined {
  return decodedList(text, fromV1MetricSpec);
}

/** The behavior annotation (the internal type's JSON), when it decodes to a behavior with rules. */
export function v1AnnotationBehavior(text: unknown): Obj | undefined {
  if (typeof text !== "string") return undefined;
  const rules = (v: unknown): Obj | undefined => {
    const r = goStruct(v);
    if (!r) return undefined;
    const policies = goSlice(jsonField(r, "Policies"));
    return {
      stabilizationWindowSeconds: goInt32(jsonField(r, "StabilizationWindowSeconds")),
      selectPolicy: goString(jsonField(r, "SelectPolicy")),
      policies: policies?.map((p) => ({
        type: goString(jsonField(p, "Type")) ?? "",
        value: goInt32(jsonField(p, "Value")) ?? 0,
        periodSeconds: goInt32(jsonField(p, "PeriodSeconds")) ?? 0,
      })),
    };
  };
  try {
    const b = goStruct(JSON.parse(text)) ?? {};
    const scaleUp = rules(jsonField(b, "ScaleUp"));
    const scaleDown = rules(jsonField(b, "ScaleDown"));
    return scaleUp || scaleDown ? { scaleUp, scaleDown } : undefined;
  } catch {
    return undefined;
  }
}

/** A decoded value as the stored v2 object keeps it: unset fields left out, quantities canonical, zero ones "0". */
function stored(v: unknown): unknown {
  if (v === ZERO_QUANTITY) return "0";
  if (Array.isArray(v)) return v.map(stored);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = stored(x);
  for (const k of ["value", "averageValue"]) canonicalQuantity(out, k);
  return out;
}

/**
 * What the v1 object's annotations add to its conversion to v2 (Convert_v1_HorizontalPodAutoscaler_To_autoscaling):
 * the other metrics, ahead of the CPU target; the behavior; the current metrics, in place of the CPU one; the
 * conditions. Each is undefined when its annotation is absent or does not decode.
 */
export function fromV1Annotations(annotations: Obj | undefined): {
  metrics?: Obj[];
  behavior?: Obj;
  currentMetrics?: Obj[];
  conditions?: Obj[];
} {
  const metrics = v1AnnotationMetrics(annotations?.[METRICS_ANNOTATION]);
  const behavior = v1AnnotationBehavior(annotations?.[BEHAVIOR_ANNOTATION]);
  const currentMetrics = decodedList(annotations?.[CURRENT_METRICS_ANNOTATION], fromV1MetricStatus);
  const conditions = decodedList(annotations?.[CONDITIONS_ANNOTATION], fromV1Condition);
  return {
    metrics: metrics && (stored(metrics) as Obj[]),
    behavior: behavior && (stored(behavior) as Obj),
    currentMetrics: currentMetrics && (stored(currentMetrics) as Obj[]),
    conditions: conditions && (stored(conditions) as Obj[]),
  };
}

/** The annotations without the round-trip ones (a new object when any was there; none left: undefined). */
export function withoutRoundTrip(annotations: Obj | undefined): Obj | undefined {
  if (!annotations || !ROUND_TRIP.some((k) => k in annotations)) return annotations;
  const out = { ...annotations };
  for (const k of ROUND_TRIP) delete out[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

// ---- v2 → v1: the annotations a v1 read carries ---------------------------------

/** An optional field: left out when unset (omitempty). */
const opt = (v: unknown) => (isSet(v) ? v : undefined);
/** A resource.Quantity that is no pointer in v1: its zero value is "0". */
const quantity = (v: unknown) => (isSet(v) ? v : "0");

function selector(v: unknown): Obj | undefined {
  if (!isObj(v)) return undefined;
  const labels = sub(v, "matchLabels");
  const exprs = Array.isArray(v.matchExpressions) ? (v.matchExpressions as Obj[]) : undefined;
  return {
    // Go writes a map's keys sorted.
    matchLabels: labels && Object.keys(labels).length > 0 ? sortedObject(labels) : undefined,
    matchExpressions:
      exprs && exprs.length > 0
        ? exprs.map((e) => ({
            key: e.key ?? "",
            operator: e.operator ?? "",
            values: Array.isArray(e.values) && e.values.length > 0 ? e.values : undefined,
          }))
        : undefined,
  };
}

function reference(v: unknown): Obj {
  const r = isObj(v) ? v : {};
  return { kind: r.kind ?? "", name: r.name ?? "", apiVersion: r.apiVersion || undefined };
}

/**
 * Convert_autoscaling_MetricSpec_To_v1_MetricSpec (side "target") and Convert_autoscaling_MetricStatus_To_v1_MetricStatus
 * (side "current"): the same v1 shapes with the side's prefix, except that a resource's average value and an
 * external metric's value are pointers in v1's specs and plain quantities in its statuses.
 */
function toV1Metric(m: Obj, side: "target" | "current"): Obj {
  const values = (src: Obj | undefined) => sub(src, side) ?? {};
  const metric = (src: Obj | undefined) => sub(src, "metric") ?? {};
  const pointerInSpec = side === "target" ? opt : quantity;
  const object = sub(m, "object");
  const pods = sub(m, "pods");
  const resource = sub(m, "resource");
  const container = sub(m, "containerResource");
  const external = sub(m, "external");
  return {
    type: m.type ?? "",
    object: object && {
      target: reference(object.describedObject),
      metricName: metric(object).name ?? "",
      [`${side}Value`]: quantity(values(object).value),
      selector: selector(metric(object).selector),
      averageValue: opt(values(object).averageValue),
    },
    pods: pods && {
      metricName: metric(pods).name ?? "",
      [`${side}AverageValue`]: quantity(values(pods).averageValue),
      selector: selector(metric(pods).selector),
    },
    resource: resource && {
      name: resource.name ?? "",
      [`${side}AverageUtilization`]: opt(values(resource).averageUtilization),
      [`${side}AverageValue`]: pointerInSpec(values(resource).averageValue),
    },
    containerResource: container && {
      name: container.name ?? "",
      [`${side}AverageUtilization`]: opt(values(container).averageUtilization),
      [`${side}AverageValue`]: pointerInSpec(values(container).averageValue),
      container: container.container ?? "",
    },
    external: external && {
      metricName: metric(external).name ?? "",
      metricSelector: selector(metric(external).selector),
      [`${side}Value`]: pointerInSpec(values(external).value),
      [`${side}AverageValue`]: opt(values(external).averageValue),
    },
  };
}

/** v1's HorizontalPodAutoscalerCondition: lastTransitionTime is a metav1.Time, written as null when zero. */
function v1ConditionOf(c: Obj): Obj {
  return {
    type: c.type ?? "",
    status: c.status ?? "",
    lastTransitionTime: c.lastTransitionTime ?? null,
    reason: c.reason || undefined,
    message: c.message || undefined,
  };
}

/** The internal HorizontalPodAutoscalerBehavior as Go writes it: field names as declared, nil as null. */
function internalBehavior(b: Obj): Obj {
  const rules = (r: unknown) =>
    isObj(r)
      ? {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: Array.isArray(r.policies)
            ? (r.policies as Obj[]).map((p) => ({
                Type: p.type ?? "",
                Value: p.value ?? 0,
                PeriodSeconds: p.periodSeconds ?? 0,
              }))
            : null,
        }
      : null;
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

const isCpuUtilization = (m: Obj) =>
  m.type === "Resource" &&
  sub(m, "resource")?.name === "cpu" &&
  isSet(sub(sub(m, "resource"), "target")?.averageUtilization);

/**
 * Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler's annotations for a stored v2
 * object: its own round-trip annotations dropped, then the metrics other than the CPU utilization target, every
 * current metric, the behavior and the conditions. Undefined when none is left.
 */
export function toV1Annotations(annotations: Obj | undefined, spec: Obj | undefined, status: Obj | undefined) {
  const out: Obj = { ...(withoutRoundTrip(annotations) ?? {}) };
  const metrics = Array.isArray(spec?.metrics) ? (spec.metrics as Obj[]) : [];
  const others = metrics.filter((m) => !isCpuUtilization(m));
  if (others.length > 0) out[METRICS_ANNOTATION] = goJson(others.map((m) => toV1Metric(m, "target")));
  const current = Array.isArray(status?.currentMetrics) ? (status.currentMetrics as Obj[]) : [];
  if (current.length > 0) out[CURRENT_METRICS_ANNOTATION] = goJson(current.map((m) => toV1Metric(m, "current")));
  const behavior = sub(spec, "behavior");
  if (behavior) out[BEHAVIOR_ANNOTATION] = goJson(internalBehavior(behavior));
  const conditions = Array.isArray(status?.conditions) ? (status.conditions as Obj[]) : [];
  if (conditions.length > 0) out[CONDITIONS_ANNOTATION] = goJson(conditions.map(v1ConditionOf));
  return Object.keys(out).length > 0 ? sortedObject(out) : undefined;
}

/** JSON as Go's encoding/json writes it: <, > and & (and the JavaScript line separators) escaped. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The object with its keys sorted, as Go writes a map. */
function sortedObject(o: Obj): Obj {
  const out: Obj = {};
  for (const k of sortedKeys(o)) out[k] = o[k];
  return out;
}

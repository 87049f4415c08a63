import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { KubeObject } from "../src/registry/strategy.js";
import { type Cause, causes, create, defaulted, strategy, update } from "./support/strategy-causes.js";

// HorizontalPodAutoscaler validation as kube-apiserver 1.28 answers it: the
// causes of its 422, for autoscaling/v2 objects and for v1 ones (validated
// after their conversion, with the internal version's field paths).

const KEY = "autoscaling/HorizontalPodAutoscaler";
const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

const v2 = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "h", namespace: "default" },
  spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, ...spec },
});

const v1 = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: "autoscaling/v1",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "h", namespace: "default", ...(annotations ? { annotations } : {}) },
  spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, ...spec },
});

/** One metric; the causes' paths below are those of spec.metrics[0]. */
const withMetric = (metric: Record<string, unknown>) => v2({ metrics: [metric] });

/** %#v of the resource.Quantity kube parsed (no inf.Dec). */
const goQ = (value: number, scale: number, s: string, format = "DecimalSI") =>
  `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"${s}", Format:"${format}"}`;

const SOURCE_TYPES = 'supported values: "ContainerResource", "External", "Object", "Pods", "Resource"';
const M0 = "spec.metrics[0]";

describe("HorizontalPodAutoscaler validation (autoscaling/v2)", () => {
  it("admits valid objects of every metric source, with a behavior", () => {
    assert.deepEqual(create(KEY, v2({})), []);
    const all = v2({
      minReplicas: 2,
      maxReplicas: 2,
      metrics: [
        {
          type: "Object",
          object: {
            describedObject: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "main" },
            metric: { name: "requests-per-second" },
            target: { type: "Value", value: "10k" },
          },
        },
        { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1" } } },
        { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } },
        {
          type: "ContainerResource",
          containerResource: {
            name: "cpu",
            container: "app",
            target: { type: "Utilization", averageUtilization: 60 },
          },
        },
        {
          type: "External",
          external: {
            metric: { name: "queue_messages", selector: { matchLabels: { queue: "a" } } },
            target: { type: "AverageValue", averageValue: "30" },
          },
        },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 3600,
          selectPolicy: "Disabled",
          policies: [{ type: "Pods", value: 1, periodSeconds: 1800 }],
        },
        scaleDown: { selectPolicy: "Min" },
      },
    });
    assert.deepEqual(create(KEY, all), []);
  });

  it("checks minReplicas and maxReplicas", () => {
    assert.deepEqual(create(KEY, v2({ minReplicas: 0 })), [
      ["FieldValueInvalid", "spec.minReplicas", "Invalid value: 0: must be greater than or equal to 1"],
      [
        "FieldValueForbidden",
        "spec.metrics",
        "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
      ],
    ]);
    assert.deepEqual(create(KEY, v2({ maxReplicas: 0 })), [
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 0: must be greater than 0"],
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 0: must be greater than or equal to `minReplicas`"],
    ]);
    assert.deepEqual(create(KEY, v2({ minReplicas: 3, maxReplicas: 2 })), [
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 2: must be greater than or equal to `minReplicas`"],
    ]);
    // Not sent: minReplicas defaults to 1, maxReplicas is Go's zero.
    const o = v2({});
    delete (o.spec as Record<string, unknown>).minReplicas;
    delete (o.spec as Record<string, unknown>).maxReplicas;
    assert.deepEqual(create(KEY, o), [
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 0: must be greater than 0"],
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 0: must be greater than or equal to `minReplicas`"],
    ]);
  });

  it("allows minReplicas 0 only where the stored object has it (HPAScaleToZero is off)", () => {
    const external = {
      type: "External",
      external: { metric: { name: "queue" }, target: { type: "Value", value: "5" } },
    };
    const zero = v2({ minReplicas: 0, metrics: [external] });
    assert.deepEqual(create(KEY, zero), [
      ["FieldValueInvalid", "spec.minReplicas", "Invalid value: 0: must be greater than or equal to 1"],
    ]);
    const one = v2({ minReplicas: 1, metrics: [external] });
    assert.deepEqual(update(KEY, one, zero), [
      ["FieldValueInvalid", "spec.minReplicas", "Invalid value: 0: must be greater than or equal to 1"],
    ]);
    // Already 0 (stored before): kept, but scaling to zero still needs an Object or External metric.
    assert.deepEqual(update(KEY, zero, { ...zero, spec: { ...(zero.spec as object), maxReplicas: 7 } }), []);
    assert.deepEqual(update(KEY, zero, v2({ minReplicas: 0 })), [
      [
        "FieldValueForbidden",
        "spec.metrics",
        "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
      ],
    ]);
  });

  it("checks scaleTargetRef as a CrossVersionObjectReference", () => {
    assert.deepEqual(create(KEY, v2({ scaleTargetRef: {} })), [
      ["FieldValueRequired", "spec.scaleTargetRef.kind", "Required value"],
      ["FieldValueRequired", "spec.scaleTargetRef.name", "Required value"],
    ]);
    assert.deepEqual(create(KEY, v2({ scaleTargetRef: { kind: "apps/Deployment", name: ".." } })), [
      ["FieldValueInvalid", "spec.scaleTargetRef.kind", `Invalid value: "apps/Deployment": may not contain '/'`],
      ["FieldValueInvalid", "spec.scaleTargetRef.name", `Invalid value: "..": may not be '..'`],
    ]);
    assert.deepEqual(create(KEY, v2({ scaleTargetRef: { kind: "Deployment", name: "a%/b" } })), [
      ["FieldValueInvalid", "spec.scaleTargetRef.name", `Invalid value: "a%/b": may not contain '/'`],
      ["FieldValueInvalid", "spec.scaleTargetRef.name", `Invalid value: "a%/b": may not contain '%'`],
    ]);
  });

  it("checks a metric's type and that it populates its source only", () => {
    assert.deepEqual(create(KEY, withMetric({})), [
      ["FieldValueRequired", `${M0}.type`, "Required value: must specify a metric source type"],
      ["FieldValueNotSupported", `${M0}.type`, `Unsupported value: "": ${SOURCE_TYPES}`],
      ["FieldValueNotSupported", `${M0}.type`, `Unsupported value: "": ${SOURCE_TYPES}`],
    ]);
    assert.deepEqual(create(KEY, withMetric({ type: "Custom" })), [
      ["FieldValueNotSupported", `${M0}.type`, `Unsupported value: "Custom": ${SOURCE_TYPES}`],
      ["FieldValueNotSupported", `${M0}.type`, `Unsupported value: "Custom": ${SOURCE_TYPES}`],
    ]);
    for (const [type, field] of [
      ["Object", "object"],
      ["Pods", "pods"],
      ["Resource", "resource"],
      ["External", "external"],
      ["ContainerResource", "containerResource"],
    ]) {
      assert.deepEqual(create(KEY, withMetric({ type })), [
        [
          "FieldValueRequired",
          `${M0}.${field}`,
          "Required value: must populate information for the given metric source",
        ],
      ]);
    }
    // The first source present is validated; the others are refused.
    const resource = { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } };
    const pods = { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1" } };
    assert.deepEqual(create(KEY, withMetric({ type: "Pods", resource })), [
      ["FieldValueInvalid", `${M0}.resource.target.averageUtilization`, "Invalid value: 0: must be greater than 0"],
      ["FieldValueRequired", `${M0}.pods`, "Required value: must populate information for the given metric source"],
    ]);
    const external = { metric: { name: "m" }, target: { type: "Value", value: "1" } };
    assert.deepEqual(create(KEY, withMetric({ type: "Pods", resource, external })), [
      ["FieldValueRequired", `${M0}.pods`, "Required value: must populate information for the given metric source"],
      ["FieldValueForbidden", `${M0}.external`, "Forbidden: must populate the given metric source only"],
      ["FieldValueForbidden", `${M0}.resource`, "Forbidden: must populate the given metric source only"],
    ]);
    assert.deepEqual(create(KEY, withMetric({ type: "Resource", pods, resource })), [
      ["FieldValueForbidden", `${M0}.pods`, "Forbidden: must populate the given metric source only"],
    ]);
  });

  it("checks object metrics", () => {
    assert.deepEqual(create(KEY, withMetric({ type: "Object", object: {} })), [
      ["FieldValueRequired", `${M0}.object.describedObject.kind`, "Required value"],
      ["FieldValueRequired", `${M0}.object.describedObject.name`, "Required value"],
      ["FieldValueRequired", `${M0}.object.metric.name`, "Required value: must specify a metric name"],
      ["FieldValueRequired", `${M0}.object.target.type`, "Required value: must specify a metric target type"],
      [
        "FieldValueInvalid",
        `${M0}.object.target.type`,
        `Invalid value: "": must be either Utilization, Value, or AverageValue`,
      ],
      [
        "FieldValueRequired",
        `${M0}.object.target.averageValue`,
        "Required value: must set either a target value or averageValue",
      ],
    ]);
    const object = {
      describedObject: { kind: "Service", name: "s" },
      metric: { name: "a/b" },
      target: { type: "Bogus", value: "0", averageValue: "-1m" },
    };
    assert.deepEqual(create(KEY, withMetric({ type: "Object", object })), [
      ["FieldValueInvalid", `${M0}.object.metric.name`, `Invalid value: "a/b": may not contain '/'`],
      [
        "FieldValueInvalid",
        `${M0}.object.target.type`,
        `Invalid value: "Bogus": must be either Utilization, Value, or AverageValue`,
      ],
      ["FieldValueInvalid", `${M0}.object.target.value`, `Invalid value: ${goQ(0, 0, "0")}: must be positive`],
      [
        "FieldValueInvalid",
        `${M0}.object.target.averageValue`,
        `Invalid value: ${goQ(-1, -3, "-1m")}: must be positive`,
      ],
    ]);
  });

  it("prints a non-positive quantity as kube parsed it from the text sent", () => {
    const cases: [unknown, string][] = [
      ["-1000m", goQ(-1000, -3, "")], // not canonical text: no cached string
      ["-0.5", goQ(-5, -1, "")],
      ["-1Ki", goQ(-1024, 0, "-1Ki", "BinarySI")],
      ["-3Mi", goQ(-3145728, 0, "-3Mi", "BinarySI")],
      ["-2e3", goQ(-2, 3, "-2e3", "DecimalExponent")],
      ["-20e2", goQ(-20, 2, "", "DecimalExponent")],
      ["-0", goQ(0, 0, "")],
      [-2, goQ(-2, 0, "-2")],
      [
        "-1.5Gi",
        'resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(0xc000000000)}, s:"", Format:"BinarySI"}',
      ],
    ];
    for (const [value, shown] of cases) {
      const o = withMetric({
        type: "External",
        external: { metric: { name: "m" }, target: { type: "Value", value } },
      });
      assert.deepEqual(create(KEY, o), [
        ["FieldValueInvalid", `${M0}.external.target.value`, `Invalid value: ${shown}: must be positive`],
      ]);
    }
    // The stored value is still the canonical one.
    const o = defaulted(
      KEY,
      withMetric({ type: "External", external: { metric: { name: "m" }, target: { type: "Value", value: "1000m" } } }),
    );
    assert.equal(o.spec.metrics[0].external.target.value, "1");
  });

  it("checks external metrics", () => {
    const external = (target: Record<string, unknown>) =>
      withMetric({ type: "External", external: { metric: { name: "m" }, target } });
    assert.deepEqual(create(KEY, external({ type: "Value" })), [
      [
        "FieldValueRequired",
        `${M0}.external.target.averageValue`,
        "Required value: must set either a target value for metric or a per-pod target",
      ],
    ]);
    assert.deepEqual(create(KEY, external({ type: "Value", value: "1", averageValue: "2" })), [
      [
        "FieldValueForbidden",
        `${M0}.external.target.value`,
        "Forbidden: may not set both a target value for metric and a per-pod target",
      ],
    ]);
    assert.deepEqual(
      create(KEY, withMetric({ type: "External", external: { target: { type: "Value", value: "1" } } })),
      [["FieldValueRequired", `${M0}.external.metric.name`, "Required value: must specify a metric name"]],
    );
  });

  it("checks pods metrics", () => {
    const pods = { metric: { name: "qps" }, target: { type: "Value", value: "1" } };
    assert.deepEqual(create(KEY, withMetric({ type: "Pods", pods })), [
      [
        "FieldValueRequired",
        `${M0}.pods.target.averageValue`,
        "Required value: must specify a positive target averageValue",
      ],
    ]);
  });

  it("checks resource metrics", () => {
    assert.deepEqual(create(KEY, withMetric({ type: "Resource", resource: { target: { type: "Utilization" } } })), [
      ["FieldValueRequired", `${M0}.resource.name`, "Required value: must specify a resource name"],
      [
        "FieldValueRequired",
        `${M0}.resource.target.averageUtilization`,
        "Required value: must set either a target raw value or a target utilization",
      ],
    ]);
    const both = { name: "cpu", target: { type: "Utilization", averageUtilization: 50, averageValue: "100m" } };
    assert.deepEqual(create(KEY, withMetric({ type: "Resource", resource: both })), [
      [
        "FieldValueForbidden",
        `${M0}.resource.target.averageValue`,
        "Forbidden: may not set both a target raw value and a target utilization",
      ],
    ]);
    // A resource metric's name is not checked beyond being set.
    const odd = { name: "Not A Resource", target: { type: "AverageValue", averageValue: "1" } };
    assert.deepEqual(create(KEY, withMetric({ type: "Resource", resource: odd })), []);
  });

  it("checks container resource metrics", () => {
    const metric = (name: string, container: string, target: Record<string, unknown> = {}) =>
      withMetric({
        type: "ContainerResource",
        containerResource: { name, container, target: { type: "Utilization", averageUtilization: 50, ...target } },
      });
    assert.deepEqual(create(KEY, metric("", "")), [
      ["FieldValueRequired", `${M0}.containerResource.name`, "Required value: must specify a resource name"],
      ["FieldValueRequired", `${M0}.containerResource.container`, "Required value: must specify a container"],
    ]);
    assert.deepEqual(create(KEY, metric("foo", "Bad_Name")), [
      [
        "FieldValueInvalid",
        `${M0}.containerResource.name`,
        `Invalid value: "foo": must be a standard resource type or fully qualified`,
      ],
      [
        "FieldValueInvalid",
        `${M0}.containerResource.name`,
        `Invalid value: "foo": must be a standard resource for containers`,
      ],
      [
        "FieldValueInvalid",
        `${M0}.containerResource.container`,
        `Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      ],
    ]);
    assert.deepEqual(create(KEY, metric("pods", "app")), [
      [
        "FieldValueInvalid",
        `${M0}.containerResource.name`,
        `Invalid value: "pods": must be a standard resource for containers`,
      ],
    ]);
    assert.deepEqual(create(KEY, metric("requests.example.com/gpu", "app")), [
      [
        "FieldValueInvalid",
        `${M0}.containerResource.name`,
        `Invalid value: "requests.example.com/gpu": doesn't follow extended resource name standard`,
      ],
    ]);
    for (const ok of ["memory", "hugepages-2Mi", "example.com/gpu", "kubernetes.io/x"]) {
      assert.deepEqual(create(KEY, metric(ok, "app")), [], ok);
    }
    assert.deepEqual(create(KEY, metric("cpu", "app", { averageUtilization: undefined })), [
      [
        "FieldValueRequired",
        `${M0}.containerResource.target.averageUtilization`,
        "Required value: must set either a target raw value or a target utilization",
      ],
    ]);
    assert.deepEqual(create(KEY, metric("cpu", "app", { averageValue: "-1" })), [
      [
        "FieldValueInvalid",
        `${M0}.containerResource.target.averageValue`,
        `Invalid value: ${goQ(-1, 0, "-1")}: must be positive`,
      ],
      [
        "FieldValueForbidden",
        `${M0}.containerResource.target.averageValue`,
        "Forbidden: may not set both a target raw value and a target utilization",
      ],
    ]);
  });

  it("checks the behavior's scaling rules and policies", () => {
    const o = v2({
      behavior: {
        scaleUp: { stabilizationWindowSeconds: -1, selectPolicy: "Sometimes", policies: [] },
        scaleDown: {
          stabilizationWindowSeconds: 3601,
          policies: [
            { type: "Nodes", value: 0, periodSeconds: 0 },
            { type: "Percent", value: -5, periodSeconds: 1801 },
          ],
        },
      },
    });
    const up = "spec.behavior.scaleUp";
    const down = "spec.behavior.scaleDown";
    assert.deepEqual(create(KEY, o), [
      [
        "FieldValueInvalid",
        `${up}.stabilizationWindowSeconds`,
        "Invalid value: -1: must be greater than or equal to zero",
      ],
      [
        "FieldValueNotSupported",
        `${up}.selectPolicy`,
        `Unsupported value: "Sometimes": supported values: "Disabled", "Max", "Min"`,
      ],
      ["FieldValueRequired", `${up}.policies`, "Required value: must specify at least one Policy"],
      [
        "FieldValueInvalid",
        `${down}.stabilizationWindowSeconds`,
        "Invalid value: 3601: must be less than or equal to 3600",
      ],
      [
        "FieldValueNotSupported",
        `${down}.policies[0].type`,
        `Unsupported value: "Nodes": supported values: "Percent", "Pods"`,
      ],
      ["FieldValueInvalid", `${down}.policies[0].value`, "Invalid value: 0: must be greater than zero"],
      ["FieldValueInvalid", `${down}.policies[0].periodSeconds`, "Invalid value: 0: must be greater than zero"],
      ["FieldValueInvalid", `${down}.policies[1].value`, "Invalid value: -5: must be greater than zero"],
      [
        "FieldValueInvalid",
        `${down}.policies[1].periodSeconds`,
        "Invalid value: 1801: must be less than or equal to 1800",
      ],
    ]);
    // Rules not sent are the defaults, which pass.
    assert.deepEqual(create(KEY, v2({ behavior: {} })), []);
  });

  it("checks a status update's replica counts only", () => {
    const s = strategy(KEY);
    const old = defaulted(KEY, v2({}));
    const next = { ...old, status: { currentReplicas: -1, desiredReplicas: -2 } };
    const errs: Cause[] = causes(s.validateStatusUpdate?.(next, old) ?? []);
    assert.deepEqual(errs, [
      ["FieldValueInvalid", "status.currentReplicas", "Invalid value: -1: must be greater than or equal to 0"],
      ["FieldValueInvalid", "status.desiredReplicas", "Invalid value: -2: must be greater than or equal to 0"],
    ]);
    assert.deepEqual(
      causes(s.validateStatusUpdate?.({ ...old, status: { currentReplicas: 2, desiredReplicas: 3 } }, old) ?? []),
      [],
    );
  });
});

describe("HorizontalPodAutoscaler validation (autoscaling/v1, as converted)", () => {
  const METRICS = "autoscaling.alpha.kubernetes.io/metrics";
  const BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";

  it("admits valid objects", () => {
    assert.deepEqual(create(KEY, v1({})), []);
    assert.deepEqual(create(KEY, v1({ targetCPUUtilizationPercentage: 50 })), []);
    const metrics = JSON.stringify([
      { type: "Pods", pods: { metricName: "qps", targetAverageValue: "10" } },
      { type: "External", external: { metricName: "queue", targetValue: "5" } },
    ]);
    assert.deepEqual(create(KEY, v1({}, { [METRICS]: metrics })), []);
  });

  it("checks the spec with the internal version's paths", () => {
    assert.deepEqual(create(KEY, v1({ targetCPUUtilizationPercentage: 0 })), [
      [
        "FieldValueInvalid",
        "spec.metrics[0].resource.target.averageUtilization",
        "Invalid value: 0: must be greater than 0",
      ],
    ]);
    assert.deepEqual(create(KEY, v1({ minReplicas: 0, maxReplicas: 0, scaleTargetRef: { name: "web" } })), [
      ["FieldValueInvalid", "spec.minReplicas", "Invalid value: 0: must be greater than or equal to 1"],
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 0: must be greater than 0"],
      ["FieldValueRequired", "spec.scaleTargetRef.kind", "Required value"],
      [
        "FieldValueForbidden",
        "spec.metrics",
        "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
      ],
    ]);
  });

  it("validates the metrics and behavior its annotations carry", () => {
    const metrics = JSON.stringify([
      { type: "Pods", pods: { metricName: "qps", targetAverageValue: "-1" } },
      // v1's targetValue is no pointer: not sent, it is a zero quantity.
      { type: "Object", object: { target: { kind: "Service", name: "s" }, metricName: "rps", averageValue: "2" } },
    ]);
    assert.deepEqual(create(KEY, v1({ targetCPUUtilizationPercentage: 0 }, { [METRICS]: metrics })), [
      [
        "FieldValueInvalid",
        "spec.metrics[0].pods.target.averageValue",
        `Invalid value: ${goQ(-1, 0, "-1")}: must be positive`,
      ],
      [
        "FieldValueInvalid",
        "spec.metrics[1].object.target.value",
        'Invalid value: resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:""}: must be positive',
      ],
      [
        "FieldValueInvalid",
        "spec.metrics[2].resource.target.averageUtilization",
        "Invalid value: 0: must be greater than 0",
      ],
    ]);
    // Keys match case-insensitively, as Go's encoding/json matches them.
    const behavior = JSON.stringify({
      scaleUp: { Policies: [] },
      ScaleDown: { SelectPolicy: "Fastest", Policies: [{ Type: "Pods", Value: 1, PeriodSeconds: 15 }] },
    });
    assert.deepEqual(create(KEY, v1({}, { [BEHAVIOR]: behavior })), [
      ["FieldValueRequired", "spec.behavior.scaleUp.policies", "Required value: must specify at least one Policy"],
      [
        "FieldValueNotSupported",
        "spec.behavior.scaleDown.selectPolicy",
        `Unsupported value: "Fastest": supported values: "Disabled", "Max", "Min"`,
      ],
    ]);
  });

  it("ignores annotations that do not decode, as kube's conversion does", () => {
    const bad = JSON.stringify([
      { type: "Pods", pods: { metricName: "qps", targetAverageValue: true } },
      { type: "Bogus" },
    ]);
    assert.deepEqual(create(KEY, v1({}, { [METRICS]: bad })), []);
    assert.deepEqual(create(KEY, v1({}, { [METRICS]: "not json", [BEHAVIOR]: '{"ScaleUp":{"Policies":"x"}}' })), []);
    assert.deepEqual(create(KEY, v1({}, { [BEHAVIOR]: "{}" })), []);
  });
});

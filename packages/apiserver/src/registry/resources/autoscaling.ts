import { fromV1Annotations, toV1Annotations, withoutRoundTrip } from "../strategies/hpa-v1-annotations.js";
import type { KubeObject } from "../strategy.js";
import { define, status } from "./define.js";

// autoscaling/v2 and v1 HorizontalPodAutoscalers share one etcd key space;
// objects are kept in the v2 shape and v1 is converted on the way in and
// out, as kube-apiserver converts through its internal version. In 1.28 the
// HPA strategy does not track metadata.generation (that came with the
// HPAGeneration gate much later).

type Obj = Record<string, unknown>;

interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number } };
}
interface MetricStatus {
  type?: string;
  resource?: { name?: string; current?: { averageUtilization?: number } };
}

const cpuUtilization = (percent: number): Obj => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization: percent } },
});

/** autoscaling.DefaultCPUUtilization: v1's conversion applies it when no metric is left. */
const DEFAULT_CPU_UTILIZATION = 80;

/** Metadata with the given annotations (none: the field goes, as Go leaves out an empty map). */
function withAnnotations(meta: KubeObject["metadata"], annotations: Obj | undefined): KubeObject["metadata"] {
  const { annotations: _a, ...rest } = meta ?? {};
  return annotations ? { ...rest, annotations: annotations as Record<string, string> } : rest;
}

/**
 * autoscaling/v1 → the stored v2 shape (Convert_v1_HorizontalPodAutoscaler_To_autoscaling): the CPU target after
 * the metrics annotation's; the behavior, current metrics and conditions of the other annotations; then those
 * annotations dropped. The store keeps the stored status on a spec update and the stored spec on a status update.
 */
function v1ToV2(o: KubeObject): KubeObject {
  const { targetCPUUtilizationPercentage, ...spec } = (o.spec ?? {}) as Obj & {
    targetCPUUtilizationPercentage?: number;
  };
  const { currentCPUUtilizationPercentage, ...st } = (o.status ?? {}) as Obj & {
    currentCPUUtilizationPercentage?: number;
  };
  const annotated = fromV1Annotations(o.metadata?.annotations);
  const metrics = [
    ...(annotated.metrics ?? []),
    ...(targetCPUUtilizationPercentage === undefined ? [] : [cpuUtilization(targetCPUUtilizationPercentage)]),
  ];
  const out: KubeObject = {
    ...o,
    apiVersion: "autoscaling/v2",
    metadata: withAnnotations(o.metadata, withoutRoundTrip(o.metadata?.annotations)),
  };
  if (o.spec !== undefined) {
    out.spec = {
      ...spec,
      metrics: metrics.length > 0 ? metrics : [cpuUtilization(DEFAULT_CPU_UTILIZATION)],
      ...(annotated.behavior ? { behavior: annotated.behavior } : {}),
    };
  }
  const currentMetrics =
    annotated.currentMetrics ??
    (currentCPUUtilizationPercentage === undefined
      ? undefined
      : [
          {
            type: "Resource",
            resource: { name: "cpu", current: { averageUtilization: currentCPUUtilizationPercentage } },
          },
        ]);
  if (o.status !== undefined || currentMetrics || annotated.conditions) {
    out.status = {
      ...st,
      ...(currentMetrics ? { currentMetrics } : {}),
      ...(annotated.conditions ? { conditions: annotated.conditions } : {}),
    };
  }
  return out;
}

/**
 * The stored v2 shape → autoscaling/v1: the CPU utilization target and current value in v1's fields, everything
 * else v1 has no field for in the round-trip annotations.
 */
function v2ToV1(o: KubeObject): KubeObject {
  const { metrics, behavior: _b, ...spec } = (o.spec ?? {}) as Obj & { metrics?: MetricSpec[]; behavior?: unknown };
  const {
    currentMetrics,
    conditions: _c,
    ...st
  } = (o.status ?? {}) as Obj & {
    currentMetrics?: MetricStatus[];
    conditions?: unknown;
  };
  const cpu = metrics?.find(isCpuUtilization);
  const currentCpu = currentMetrics?.find((m) => m.type === "Resource" && m.resource?.name === "cpu");
  const out: KubeObject = {
    ...o,
    apiVersion: "autoscaling/v1",
    metadata: withAnnotations(
      o.metadata,
      toV1Annotations(o.metadata?.annotations, o.spec as Obj | undefined, o.status as Obj | undefined),
    ),
  };
  if (o.spec !== undefined) {
    out.spec = cpu ? { ...spec, targetCPUUtilizationPercentage: cpu.resource?.target?.averageUtilization } : spec;
  }
  if (o.status !== undefined) {
    const pct = currentCpu?.resource?.current?.averageUtilization;
    out.status = pct === undefined ? st : { ...st, currentCPUUtilizationPercentage: pct };
  }
  return out;
}

const isCpuUtilization = (m: MetricSpec) =>
  m.type === "Resource" && m.resource?.name === "cpu" && m.resource.target?.averageUtilization !== undefined;

const hpa = (version: string) =>
  define("autoscaling", version, "HorizontalPodAutoscaler", "horizontalpodautoscalers", {
    namespaced: true,
    shortNames: ["hpa"],
    categories: ["all"],
    subresources: [status],
    ...(version === "v1"
      ? { conversion: { storageApiVersion: "autoscaling/v2", toStorage: v1ToV2, fromStorage: v2ToV1 } }
      : {}),
  });

export const horizontalpodautoscalersV2 = hpa("v2");
export const horizontalpodautoscalersV1 = hpa("v1");

export const autoscalingResources = [horizontalpodautoscalersV2, horizontalpodautoscalersV1];

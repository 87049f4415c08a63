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

const isCpuUtilization = (m: MetricSpec) =>
  m.type === "Resource" && m.resource?.name === "cpu" && m.resource.target?.type === "Utilization";

/** autoscaling/v1 → the stored v2 shape. */
function v1ToV2(o: KubeObject): KubeObject {
  const { targetCPUUtilizationPercentage, ...spec } = (o.spec ?? {}) as Obj & {
    targetCPUUtilizationPercentage?: number;
  };
  const { currentCPUUtilizationPercentage, ...st } = (o.status ?? {}) as Obj & {
    currentCPUUtilizationPercentage?: number;
  };
  const out: KubeObject = { ...o, apiVersion: "autoscaling/v2" };
  if (o.spec !== undefined) {
    out.spec =
      targetCPUUtilizationPercentage === undefined
        ? spec
        : {
            ...spec,
            metrics: [
              {
                type: "Resource",
                resource: {
                  name: "cpu",
                  target: { type: "Utilization", averageUtilization: targetCPUUtilizationPercentage },
                },
              },
            ],
          };
  }
  if (o.status !== undefined) {
    out.status =
      currentCPUUtilizationPercentage === undefined
        ? st
        : {
            ...st,
            currentMetrics: [
              {
                type: "Resource",
                resource: { name: "cpu", current: { averageUtilization: currentCPUUtilizationPercentage } },
              },
            ],
          };
  }
  return out;
}

/** The stored v2 shape → autoscaling/v1 (other metrics than CPU utilization have no v1 field). */
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
  const out: KubeObject = { ...o, apiVersion: "autoscaling/v1" };
  if (o.spec !== undefined) {
    out.spec = cpu ? { ...spec, targetCPUUtilizationPercentage: cpu.resource?.target?.averageUtilization } : spec;
  }
  if (o.status !== undefined) {
    const pct = currentCpu?.resource?.current?.averageUtilization;
    out.status = pct === undefined ? st : { ...st, currentCPUUtilizationPercentage: pct };
  }
  return out;
}

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

import {
  ageColumn,
  ageOf,
  at,
  column,
  doc,
  int,
  list,
  nameColumn,
  nameOf,
  type Obj,
  type Printer,
  str,
} from "./object.js";
import { canonicalQuantity } from "./quantity.js";

const present = (v: unknown): boolean => v !== undefined && v !== null;
const q = (v: unknown): string => (present(v) ? canonicalQuantity(v) : "<nil>");

/** The metrics of an HPA in the autoscaling/v2 shape: v1's CPU target becomes one Resource metric. */
function specMetrics(o: Obj): unknown[] {
  const metrics = list(at(o, "spec", "metrics"));
  if (metrics.length) return metrics;
  // v1's targetCPUUtilizationPercentage, or kube's default of 80% CPU when nothing is set.
  const target = at(o, "spec", "targetCPUUtilizationPercentage");
  const averageUtilization = typeof target === "number" ? target : 80;
  return [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization } } }];
}

function statusMetrics(o: Obj): unknown[] {
  const metrics = list(at(o, "status", "currentMetrics"));
  if (metrics.length) return metrics;
  const current = at(o, "status", "currentCPUUtilizationPercentage");
  if (typeof current !== "number") return [];
  return [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }];
}

/** TARGETS: "current/target" per metric, at most two, then " + N more...". */
export function formatHPAMetrics(specs: unknown[], statuses: unknown[]): string {
  if (specs.length === 0) return "<none>";
  const out: string[] = [];
  specs.forEach((spec, i) => {
    const status = statuses[i];
    const type = str(at(spec, "type"));
    const sourceKey: Record<string, string> = {
      External: "external",
      Pods: "pods",
      Object: "object",
      Resource: "resource",
      ContainerResource: "containerResource",
    };
    const key = sourceKey[type];
    if (key === undefined) {
      out.push("<unknown type>");
      return;
    }
    const target = at(spec, key, "target");
    const current = at(status, key, "current");
    const statusHas = present(at(status, key));
    switch (type) {
      case "External":
      case "Object":
        if (present(at(target, "averageValue"))) {
          const cur = statusHas && present(at(current, "averageValue")) ? q(at(current, "averageValue")) : "<unknown>";
          out.push(`${cur}/${q(at(target, "averageValue"))} (avg)`);
        } else {
          const cur = statusHas ? q(at(current, "value")) : "<unknown>";
          out.push(`${cur}/${q(at(target, "value"))}`);
        }
        break;
      case "Pods": {
        const cur = statusHas ? q(at(current, "averageValue")) : "<unknown>";
        out.push(`${cur}/${q(at(target, "averageValue"))}`);
        break;
      }
      default: {
        if (present(at(target, "averageValue"))) {
          const cur = statusHas ? q(at(current, "averageValue")) : "<unknown>";
          out.push(`${cur}/${q(at(target, "averageValue"))}`);
        } else {
          const utilization = at(current, "averageUtilization");
          const cur = statusHas && typeof utilization === "number" ? `${utilization}%` : "<unknown>";
          const t = at(target, "averageUtilization");
          out.push(`${cur}/${typeof t === "number" ? `${t}%` : "<auto>"}`);
        }
      }
    }
  });
  const max = 2;
  const shown = out.slice(0, max).join(", ");
  return out.length > max ? `${shown} + ${out.length - max} more...` : shown;
}

export const horizontalPodAutoscaler: Printer = {
  columns: [
    nameColumn(),
    column("Reference", "string", doc("autoscaling/v2beta1.HorizontalPodAutoscalerSpec.scaleTargetRef")),
    column("Targets", "string", doc("autoscaling/v2beta1.HorizontalPodAutoscalerSpec.metrics")),
    column("MinPods", "string", doc("autoscaling/v2beta1.HorizontalPodAutoscalerSpec.minReplicas")),
    column("MaxPods", "string", doc("autoscaling/v2beta1.HorizontalPodAutoscalerSpec.maxReplicas")),
    column("Replicas", "string", doc("autoscaling/v2beta1.HorizontalPodAutoscalerStatus.currentReplicas")),
    ageColumn(),
  ],
  cells(o, now) {
    const ref = at(o, "spec", "scaleTargetRef");
    return [
      nameOf(o),
      `${str(at(ref, "kind"))}/${str(at(ref, "name"))}`,
      formatHPAMetrics(specMetrics(o), statusMetrics(o)),
      // minReplicas defaults to 1.
      String(int(at(o, "spec", "minReplicas"), 1)),
      int(at(o, "spec", "maxReplicas")),
      int(at(o, "status", "currentReplicas")),
      ageOf(o, now),
    ];
  },
};

export const scale: Printer = {
  columns: [
    column("Name", "string", doc("meta/v1.ObjectMeta.name")),
    column("Desired", "integer", doc("autoscaling/v1.ScaleSpec.replicas")),
    column("Available", "integer", doc("autoscaling/v1.ScaleStatus.replicas")),
    ageColumn(),
  ],
  cells: (o, now) => [nameOf(o), int(at(o, "spec", "replicas")), int(at(o, "status", "replicas")), ageOf(o, now)],
};

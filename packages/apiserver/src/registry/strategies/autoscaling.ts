// HorizontalPodAutoscaler: kube 1.28's defaults, for the version the request
// came in (minReplicas 1; a CPU utilization target of 80% when none is given,
// in v1 by its conversion, in v2 by its defaults; v2 also fills a given
// behavior's scaling rules), and the quantities of v2's metric values.

import type { KindStrategy } from "../strategy.js";
import { canonicalQuantity } from "./quantities.js";
import { child, isObj, type Obj, objs, setDefault, sub } from "./util.js";

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

export const horizontalPodAutoscalerStrategy: KindStrategy = {
  default(obj) {
    const spec = child(obj, "spec");
    setDefault(spec, "minReplicas", 1);
    if (obj.apiVersion === "autoscaling/v1") {
      // v1's conversion applies the 80% CPU target a v1 object without one always had.
      setDefault(spec, "targetCPUUtilizationPercentage", DEFAULT_CPU_UTILIZATION);
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
};

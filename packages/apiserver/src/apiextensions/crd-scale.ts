import { scaleObject, scaleReplicas } from "../endpoints/subresources.js";
import type { KubeObject } from "../registry/strategy.js";
import { readPath, writePath } from "./simple-json-path.js";

// The scale subresource of a custom resource: an autoscaling/v1 Scale read
// from and written to the paths the CRD names (scaleFromCustomResource).

export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

const int = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);

export function customResourceScale(paths: ScalePaths) {
  return {
    // CRD validation keeps specReplicasPath a dotted path of field names under .spec.
    replicasPath: paths.specReplicasPath.split(".").filter((s) => s !== ""),
    toScale(obj: KubeObject): KubeObject {
      const spec = int(readPath(obj, paths.specReplicasPath).value);
      const status = int(readPath(obj, paths.statusReplicasPath).value);
      const selector = paths.labelSelectorPath ? readPath(obj, paths.labelSelectorPath).value : undefined;
      return scaleObject(obj, spec, status, typeof selector === "string" ? selector : "");
    },
    merge(scale: KubeObject): (stored: KubeObject) => KubeObject {
      const replicas = scaleReplicas(scale);
      return (stored) => {
        const next = structuredClone(stored) as Record<string, unknown>;
        writePath(next, paths.specReplicasPath, replicas);
        return next as KubeObject;
      };
    },
  };
}

export type CustomResourceScale = ReturnType<typeof customResourceScale>;

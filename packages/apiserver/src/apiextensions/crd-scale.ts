import { badRequest, invalid, invalidField } from "@wharf/apimachinery";
import type { KubeObject, ObjectMeta } from "../registry/strategy.js";
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
    toScale(obj: KubeObject): KubeObject {
      const meta = (obj.metadata ?? {}) as ObjectMeta;
      const spec = int(readPath(obj, paths.specReplicasPath).value);
      const status = int(readPath(obj, paths.statusReplicasPath).value);
      const selector = paths.labelSelectorPath ? readPath(obj, paths.labelSelectorPath).value : undefined;
      return {
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: {
          name: meta.name,
          namespace: meta.namespace,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
          creationTimestamp: meta.creationTimestamp,
        },
        spec: spec !== 0 ? { replicas: spec } : {},
        status: { replicas: status, ...(typeof selector === "string" && selector !== "" ? { selector } : {}) },
      };
    },
    merge(scale: KubeObject): (stored: KubeObject) => KubeObject {
      if (scale.kind !== undefined && scale.kind !== "Scale") {
        throw badRequest(
          `the API version in the data (${scale.apiVersion ?? ""}) does not match the expected API version (autoscaling/v1)`,
        );
      }
      const replicas = (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0;
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw invalid(
          { group: "autoscaling", kind: "Scale" },
          String((scale.metadata as ObjectMeta | undefined)?.name ?? ""),
          [invalidField("spec.replicas", replicas, "must be greater than or equal to 0")],
        );
      }
      return (stored) => {
        const next = structuredClone(stored) as Record<string, unknown>;
        writePath(next, paths.specReplicasPath, replicas);
        return next as KubeObject;
      };
    },
  };
}

export type CustomResourceScale = ReturnType<typeof customResourceScale>;

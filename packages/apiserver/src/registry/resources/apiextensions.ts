import { crdStrategy, recordStorageVersion } from "../../apiextensions/crd-strategy.js";
import type { KubeObject } from "../strategy.js";
import { define, status } from "./define.js";

// apiextensions.k8s.io/v1: CustomResourceDefinitions are stored (under the
// group's name, as apiextensions-apiserver keeps them); apiextensions/
// serves the custom resources they define.

export const customresourcedefinitions = define(
  "apiextensions.k8s.io",
  "v1",
  "CustomResourceDefinition",
  "customresourcedefinitions",
  {
    namespaced: false,
    shortNames: ["crd", "crds"],
    categories: ["api-extensions"],
    storagePath: "apiextensions.k8s.io/customresourcedefinitions",
    subresources: [status],
    generation: true,
    strategy: crdStrategy,
    prepareForUpdate: (next) => recordStorageVersion(next),
    // The CRD strategy records the storage version as the first stored version.
    prepareForCreate: (o) => {
      const versions = ((o.spec as { versions?: { name?: string; storage?: boolean }[] } | undefined)?.versions ??
        []) as { name?: string; storage?: boolean }[];
      const storage = versions.find((v) => v.storage)?.name;
      return {
        ...o,
        status: {
          conditions: [],
          acceptedNames: { plural: "", kind: "" },
          storedVersions: storage ? [storage] : [],
        },
      } as KubeObject;
    },
  },
);

export const apiextensionsResources = [customresourcedefinitions];

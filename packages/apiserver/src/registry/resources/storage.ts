import { define, status } from "./define.js";

// storage.k8s.io/v1.

const s = (kind: string, resource: string, o: Parameters<typeof define>[4]) =>
  define("storage.k8s.io", "v1", kind, resource, o);

export const csidrivers = s("CSIDriver", "csidrivers", { namespaced: false });
export const csinodes = s("CSINode", "csinodes", { namespaced: false });
export const csistoragecapacities = s("CSIStorageCapacity", "csistoragecapacities", { namespaced: true });
export const storageclasses = s("StorageClass", "storageclasses", { namespaced: false, shortNames: ["sc"] });
export const volumeattachments = s("VolumeAttachment", "volumeattachments", {
  namespaced: false,
  subresources: [status],
});

export const storageResources = [csidrivers, csinodes, csistoragecapacities, storageclasses, volumeattachments];

import {
  ageColumn,
  ageOf,
  annotationsOf,
  at,
  bool,
  column,
  doc,
  list,
  nameColumn,
  nameOf,
  type Printer,
  str,
} from "./object.js";
import { canonicalQuantity } from "./quantity.js";

const IS_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
const BETA_IS_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";

export const storageClass: Printer = {
  columns: [
    nameColumn(),
    column("Provisioner", "string", doc("storage/v1.StorageClass.provisioner")),
    column("ReclaimPolicy", "string", doc("storage/v1.StorageClass.reclaimPolicy")),
    column("VolumeBindingMode", "string", doc("storage/v1.StorageClass.volumeBindingMode")),
    column("AllowVolumeExpansion", "string", doc("storage/v1.StorageClass.allowVolumeExpansion")),
    ageColumn(),
  ],
  cells(o, now) {
    const a = annotationsOf(o);
    const isDefault = a[IS_DEFAULT_CLASS] === "true" || a[BETA_IS_DEFAULT_CLASS] === "true";
    return [
      isDefault ? `${nameOf(o)} (default)` : nameOf(o),
      str(at(o, "provisioner")),
      str(at(o, "reclaimPolicy"), "Delete"),
      str(at(o, "volumeBindingMode"), "Immediate"),
      bool(at(o, "allowVolumeExpansion")),
      ageOf(o, now),
    ];
  },
};

export const volumeAttachment: Printer = {
  columns: [
    nameColumn(),
    column("Attacher", "string", doc("storage/v1.VolumeAttachmentSpec.attacher"), { format: "name" }),
    column("PV", "string", doc("storage/v1.VolumeAttachmentSource.persistentVolumeName")),
    column("Node", "string", doc("storage/v1.VolumeAttachmentSpec.nodeName")),
    column("Attached", "boolean", doc("storage/v1.VolumeAttachmentStatus.attached")),
    ageColumn(),
  ],
  cells: (o, now) => [
    nameOf(o),
    str(at(o, "spec", "attacher")),
    str(at(o, "spec", "source", "persistentVolumeName")),
    str(at(o, "spec", "nodeName")),
    bool(at(o, "status", "attached")),
    ageOf(o, now),
  ],
};

export const csiNode: Printer = {
  columns: [
    nameColumn(),
    column("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node"),
    ageColumn(),
  ],
  cells: (o, now) => [nameOf(o), list(at(o, "spec", "drivers")).length, ageOf(o, now)],
};

export const csiDriver: Printer = {
  columns: [
    nameColumn(),
    column("AttachRequired", "boolean", doc("storage/v1.CSIDriverSpec.attachRequired")),
    column("PodInfoOnMount", "boolean", doc("storage/v1.CSIDriverSpec.podInfoOnMount")),
    column("StorageCapacity", "boolean", doc("storage/v1.CSIDriverSpec.storageCapacity")),
    column("TokenRequests", "string", doc("storage/v1.CSIDriverSpec.tokenRequests")),
    column("RequiresRepublish", "boolean", doc("storage/v1.CSIDriverSpec.requiresRepublish")),
    column("Modes", "string", doc("storage/v1.CSIDriverSpec.volumeLifecycleModes")),
    ageColumn(),
  ],
  cells(o, now) {
    const spec = at(o, "spec");
    const tokenRequests = list(at(spec, "tokenRequests"));
    // kube defaults the lifecycle modes to Persistent.
    const modes = list(at(spec, "volumeLifecycleModes")).map((m) => str(m));
    return [
      nameOf(o),
      bool(at(spec, "attachRequired"), true),
      bool(at(spec, "podInfoOnMount")),
      bool(at(spec, "storageCapacity")),
      tokenRequests.length ? tokenRequests.map((t) => str(at(t, "audience"))).join(",") : "<unset>",
      bool(at(spec, "requiresRepublish")),
      modes.length ? modes.join(",") : "Persistent",
      ageOf(o, now),
    ];
  },
};

export const csiStorageCapacity: Printer = {
  columns: [
    nameColumn(),
    column("StorageClassName", "string", doc("storage/v1.CSIStorageCapacity.storageClassName")),
    column("Capacity", "string", doc("storage/v1.CSIStorageCapacity.capacity")),
  ],
  cells(o) {
    const capacity = at(o, "capacity");
    return [
      nameOf(o),
      str(at(o, "storageClassName")),
      capacity === undefined || capacity === null ? "<unset>" : canonicalQuantity(capacity),
    ];
  },
};

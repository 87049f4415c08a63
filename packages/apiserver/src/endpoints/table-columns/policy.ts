// Table columns of policy/v1 kinds, as kube-apiserver 1.28 prints them.

import { since } from "./human-duration.js";
import { ageColumn, at, column, creationOf, int, intOrString, nameColumn, nameOf, type Printer } from "./object.js";

export const podDisruptionBudget: Printer = {
  columns: [
    nameColumn(),
    column("Min Available", "string", "The minimum number of pods that must be available."),
    column("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
    column("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    ageColumn(),
  ],
  cells(o, now) {
    const orNA = (v: unknown) => (v === undefined || v === null ? "N/A" : intOrString(v));
    return [
      nameOf(o),
      orNA(at(o, "spec", "minAvailable")),
      orNA(at(o, "spec", "maxUnavailable")),
      int(at(o, "status", "disruptionsAllowed")),
      since(creationOf(o), now),
    ];
  },
};

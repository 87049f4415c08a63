import { ageColumn, ageOf, at, column, int, intOrString, nameColumn, nameOf, type Printer } from "./object.js";

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
      ageOf(o, now),
    ];
  },
};

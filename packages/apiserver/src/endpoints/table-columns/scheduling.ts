// Table columns of scheduling.k8s.io/v1 PriorityClasses, as kube-apiserver 1.28 prints them.

import { since } from "./human-duration.js";
import { ageColumn, at, bool, column, creationOf, doc, int, nameColumn, nameOf, type Printer } from "./object.js";

export const priorityClass: Printer = {
  columns: [
    nameColumn(),
    column("Value", "integer", doc("scheduling/v1.PriorityClass.value")),
    column("Global-Default", "boolean", doc("scheduling/v1.PriorityClass.globalDefault")),
    ageColumn(),
  ],
  cells: (o, now) => [nameOf(o), int(at(o, "value")), bool(at(o, "globalDefault")), since(creationOf(o), now)],
};

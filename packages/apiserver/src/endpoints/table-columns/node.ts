// Table columns of node.k8s.io/v1 RuntimeClasses, as kube-apiserver 1.28 prints them.

import { since } from "./human-duration.js";
import { ageColumn, at, column, creationOf, nameColumn, nameOf, type Printer, str } from "./object.js";

export const runtimeClass: Printer = {
  // kube takes this column's description from a field ObjectMeta does not have, so it is empty.
  columns: [nameColumn(), column("Handler", "string", ""), ageColumn()],
  cells: (o, now) => [nameOf(o), str(at(o, "handler")), since(creationOf(o), now)],
};

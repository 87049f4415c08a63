import { ageColumn, ageOf, at, column, nameColumn, nameOf, type Printer, str } from "./object.js";

export const runtimeClass: Printer = {
  // kube takes this column's description from a field ObjectMeta does not have, so it is empty.
  columns: [nameColumn(), column("Handler", "string", ""), ageColumn()],
  cells: (o, now) => [nameOf(o), str(at(o, "handler")), ageOf(o, now)],
};

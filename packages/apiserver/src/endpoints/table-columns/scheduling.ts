import { ageColumn, ageOf, at, bool, column, doc, int, nameColumn, nameOf, type Printer } from "./object.js";

export const priorityClass: Printer = {
  columns: [
    nameColumn(),
    column("Value", "integer", doc("scheduling/v1.PriorityClass.value")),
    column("Global-Default", "boolean", doc("scheduling/v1.PriorityClass.globalDefault")),
    ageColumn(),
  ],
  cells: (o, now) => [nameOf(o), int(at(o, "value")), bool(at(o, "globalDefault")), ageOf(o, now)],
};

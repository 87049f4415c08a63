import { ageColumn, ageOf, at, column, doc, nameColumn, nameOf, type Printer, str } from "./object.js";

export const lease: Printer = {
  columns: [nameColumn(), column("Holder", "string", doc("coordination/v1.LeaseSpec.holderIdentity")), ageColumn()],
  cells: (o, now) => [nameOf(o), str(at(o, "spec", "holderIdentity")), ageOf(o, now)],
};

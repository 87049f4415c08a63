// Table columns of coordination.k8s.io/v1 Leases, as kube-apiserver 1.28 prints them.

import { since } from "./human-duration.js";
import { ageColumn, at, column, creationOf, doc, nameColumn, nameOf, type Printer, str } from "./object.js";

export const lease: Printer = {
  columns: [nameColumn(), column("Holder", "string", doc("coordination/v1.LeaseSpec.holderIdentity")), ageColumn()],
  cells: (o, now) => [nameOf(o), str(at(o, "spec", "holderIdentity")), since(creationOf(o), now)],
};

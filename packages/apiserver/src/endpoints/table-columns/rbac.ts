// Table columns of rbac.authorization.k8s.io/v1 bindings, as kube-apiserver
// 1.28 prints them. Roles and ClusterRoles have no printer in kube and get the
// default table (NAME, CREATED AT).

import { since } from "./human-duration.js";
import {
  ageColumn,
  at,
  column,
  creationOf,
  doc,
  list,
  nameColumn,
  nameOf,
  type Obj,
  type Printer,
  str,
} from "./object.js";

function bindingCells(o: Obj, now: number): unknown[] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of list(at(o, "subjects"))) {
    const name = str(at(s, "name"));
    switch (str(at(s, "kind"))) {
      case "ServiceAccount":
        serviceAccounts.push(`${str(at(s, "namespace"))}/${name}`);
        break;
      case "User":
        users.push(name);
        break;
      case "Group":
        groups.push(name);
        break;
    }
  }
  return [
    nameOf(o),
    `${str(at(o, "roleRef", "kind"))}/${str(at(o, "roleRef", "name"))}`,
    since(creationOf(o), now),
    users.join(", "),
    groups.join(", "),
    serviceAccounts.join(", "),
  ];
}

function bindingColumns(kind: "roleBinding" | "clusterRoleBinding") {
  return [
    nameColumn(),
    column(
      "Role",
      "string",
      doc(kind === "roleBinding" ? "rbac/v1beta1.RoleBinding.roleRef" : "rbac/v1beta1.ClusterRoleBinding.roleRef"),
    ),
    ageColumn(),
    column("Users", "string", `Users in the ${kind}`, { priority: 1 }),
    column("Groups", "string", `Groups in the ${kind}`, { priority: 1 }),
    column("ServiceAccounts", "string", `ServiceAccounts in the ${kind}`, { priority: 1 }),
  ];
}

export const roleBinding: Printer = { columns: bindingColumns("roleBinding"), cells: bindingCells };
export const clusterRoleBinding: Printer = { columns: bindingColumns("clusterRoleBinding"), cells: bindingCells };

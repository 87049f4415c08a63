import { ageColumn, ageOf, at, column, doc, list, nameColumn, nameOf, type Obj, type Printer, str } from "./object.js";

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
    ageOf(o, now),
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

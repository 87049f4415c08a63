import { ageColumn, ageOf, at, column, list, nameColumn, nameOf, type Printer, str } from "./object.js";

export const apiService: Printer = {
  columns: [
    nameColumn(),
    column("Service", "string", "The reference to the service that hosts this API endpoint."),
    column("Available", "string", "Whether this service is available."),
    ageColumn(),
  ],
  cells(o, now) {
    const svc = at(o, "spec", "service");
    const service =
      svc === undefined || svc === null ? "Local" : `${str(at(svc, "namespace"))}/${str(at(svc, "name"))}`;
    let available = "Unknown";
    const cond = list(at(o, "status", "conditions")).find((c) => str(at(c, "type")) === "Available");
    if (cond !== undefined) {
      const status = str(at(cond, "status"));
      const reason = str(at(cond, "reason"));
      available = status !== "True" && reason !== "" ? `${status} (${reason})` : status;
    }
    return [nameOf(o), service, available, ageOf(o, now)];
  },
};

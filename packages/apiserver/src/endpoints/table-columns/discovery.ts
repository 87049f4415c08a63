import {
  ageColumn,
  ageOf,
  at,
  column,
  doc,
  list,
  listWithMore,
  nameColumn,
  nameOf,
  type Printer,
  str,
} from "./object.js";

function formatPorts(ports: unknown[]): string {
  const names = ports.map((p) => {
    const port = at(p, "port");
    const name = at(p, "name");
    if (typeof port === "number") return String(port);
    return typeof name === "string" ? name : "*";
  });
  return listWithMore(names, names.length, 3, "<unset>");
}

function formatAddresses(endpoints: unknown[]): string {
  const addresses = endpoints.flatMap((e) => list(at(e, "addresses")).map((a) => str(a)));
  return listWithMore(addresses, addresses.length, 3, "<unset>");
}

export const endpointSlice: Printer = {
  columns: [
    nameColumn(),
    column("AddressType", "string", doc("discovery/v1beta1.EndpointSlice.addressType")),
    column("Ports", "string", doc("discovery/v1beta1.EndpointSlice.ports")),
    column("Endpoints", "string", doc("discovery/v1beta1.EndpointSlice.endpoints")),
    ageColumn(),
  ],
  cells: (o, now) => [
    nameOf(o),
    str(at(o, "addressType")),
    formatPorts(list(at(o, "ports"))),
    formatAddresses(list(at(o, "endpoints"))),
    ageOf(o, now),
  ],
};

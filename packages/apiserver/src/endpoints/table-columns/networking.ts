// Table columns of networking.k8s.io/v1 kinds, as kube-apiserver 1.28 prints them.

import { loadBalancerIngress } from "./core.js";
import { ageColumn, ageOf, at, column, doc, list, nameColumn, nameOf, type Printer, str } from "./object.js";
import { formatLabelSelector } from "./selectors.js";

/** HOSTS: up to three rule hosts, "*" when no rule names one. */
function formatHosts(rules: unknown[]): string {
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    const host = str(at(rule, "host"));
    if (!more && host !== "") hosts.push(host);
  }
  if (hosts.length === 0) return "*";
  const ret = hosts.join(",");
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

export const ingress: Printer = {
  columns: [
    nameColumn(),
    column("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
    column("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
    column("Address", "string", "Address is a list containing ingress points for the load-balancer"),
    column("Ports", "string", "Ports of TLS configurations that open"),
    ageColumn(),
  ],
  cells(o, now) {
    const className = at(o, "spec", "ingressClassName");
    return [
      nameOf(o),
      typeof className === "string" ? className : "<none>",
      formatHosts(list(at(o, "spec", "rules"))),
      loadBalancerIngress(at(o, "status", "loadBalancer", "ingress")),
      list(at(o, "spec", "tls")).length ? "80, 443" : "80",
      ageOf(o, now),
    ];
  },
};

export const ingressClass: Printer = {
  columns: [
    nameColumn(),
    column("Controller", "string", "Controller that is responsible for handling this class"),
    column("Parameters", "string", "A reference to a resource with additional parameters"),
    ageColumn(),
  ],
  cells(o, now) {
    const p = at(o, "spec", "parameters");
    let parameters = "<none>";
    if (p !== undefined && p !== null) {
      const group = at(p, "apiGroup");
      parameters = `${str(at(p, "kind"))}${typeof group === "string" ? `.${group}` : ""}/${str(at(p, "name"))}`;
    }
    return [nameOf(o), str(at(o, "spec", "controller")), parameters, ageOf(o, now)];
  },
};

export const networkPolicy: Printer = {
  columns: [
    nameColumn(),
    column("Pod-Selector", "string", doc("extensions/v1beta1.NetworkPolicySpec.podSelector")),
    ageColumn(),
  ],
  cells: (o, now) => [nameOf(o), formatLabelSelector(at(o, "spec", "podSelector") ?? {}), ageOf(o, now)],
};

import type { KubeObject } from "../strategy.js";

// The QoS class kube-apiserver writes into a new Pod's status
// (pkg/apis/core/helper/qos): BestEffort without any cpu/memory requests or
// limits, Guaranteed when every container limits both and requests equal
// limits, Burstable otherwise.

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource.Quantity's value, enough to compare two quantities (NaN when unparsable). */
function quantity(q: unknown): number {
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(q ?? "").trim());
  if (!m || !(m[2]! in SUFFIXES)) return Number.NaN;
  return Number(m[1]) * SUFFIXES[m[2]!]!;
}

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
const COMPUTE = ["cpu", "memory"];

export function podQosClass(pod: KubeObject): string {
  const spec = (pod.spec ?? {}) as {
    containers?: { resources?: Resources }[];
    initContainers?: { resources?: Resources }[];
  };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let allLimited = true;
  for (const c of containers) {
    const r = c.resources ?? {};
    for (const name of COMPUTE) {
      const req = quantity(r.requests?.[name]);
      if (req > 0) requests.set(name, (requests.get(name) ?? 0) + req);
    }
    const limited = new Set<string>();
    for (const name of COMPUTE) {
      const lim = quantity(r.limits?.[name]);
      if (lim > 0) {
        limited.add(name);
        limits.set(name, (limits.get(name) ?? 0) + lim);
      }
    }
    if (limited.size !== COMPUTE.length) allLimited = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (allLimited) {
    // Requests default to limits, so a missing request counts as equal.
    const equal = [...requests].every(([name, v]) => limits.get(name) === v);
    if (equal && limits.size === COMPUTE.length) return "Guaranteed";
  }
  return "Burstable";
}

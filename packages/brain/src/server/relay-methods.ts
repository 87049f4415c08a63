import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

/** One gRPC method as the worker relay numbers it. */
export interface RelayMethod {
  /** Its number on the relay: the position in the service definitions, flattened. */
  index: number;
  /** The index of its service in the definitions list. */
  service: number;
  /** The key of its handler in the service implementation. */
  name: string;
  def: MethodDefinition<unknown, unknown>;
  /** etcd's Watch: its deliveries may be gathered into one frame for many calls. */
  watch: boolean;
}

/** Numbers the methods of the given services; both ends of a relay build this from the same list. */
export function relayMethods(defs: ServiceDefinition[]): RelayMethod[] {
  const out: RelayMethod[] = [];
  defs.forEach((def, service) => {
    for (const [name, m] of Object.entries(def)) {
      const d = m as MethodDefinition<unknown, unknown>;
      out.push({ index: out.length, service, name, def: d, watch: d.path === "/etcdserverpb.Watch/Watch" });
    }
  });
  return out;
}

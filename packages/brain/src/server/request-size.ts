import type { ServiceDefinition } from "@grpc/grpc-js";

// etcd limits a request by its encoded size (--max-request-bytes). The size is
// known only to the deserializer, so we record it on the decoded message.
const kSize = Symbol("wharf.requestSize");

/** etcd (grpc-go) allows gRPC messages this much larger than --max-request-bytes, for framing. */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;

export function requestSize(message: object): number {
  return (message as { [kSize]?: number })[kSize] ?? 0;
}

/** Returns a copy of the service definition whose deserializers record each request's encoded size. */
export function withRequestSizes<S extends ServiceDefinition>(def: S): S {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(def)) {
    const decode = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (buf: Buffer) => {
        const m = decode(buf) as object;
        (m as { [kSize]?: number })[kSize] = buf.length;
        return m;
      },
    };
  }
  return out as S;
}

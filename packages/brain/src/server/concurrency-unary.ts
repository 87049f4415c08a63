import { type handleUnaryCall, Metadata, type ServerUnaryCall, type ServiceError, status } from "@grpc/grpc-js";
import { ConcurrencyError } from "../concurrency/errors.js";
import { BrainError } from "../errors.js";
import { toServiceError } from "./grpc-status.js";

/**
 * The unary wrapper of the Election and Lock services. etcd serves them
 * through its own client, whose errors carry no gRPC status, so a client of
 * etcd sees every failure as code Unknown with etcd's message.
 */
export function concurrencyUnary<Req, Res>(
  fn: (req: Req, signal: AbortSignal, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const abort = new AbortController();
    const cancel = () => abort.abort();
    call.once("cancelled", cancel);
    if (call.cancelled) abort.abort();
    Promise.resolve()
      .then(() => fn(call.request, abort.signal, call))
      .then(
        (r) => callback(null, r),
        (e) => callback(asUnknown(e) as ServiceError),
      )
      .finally(() => call.removeListener("cancelled", cancel));
  };
}

function asUnknown(e: unknown): Partial<ServiceError> {
  if (e instanceof ConcurrencyError || e instanceof BrainError) {
    return { code: status.UNKNOWN, details: e.message, message: e.message, metadata: new Metadata() };
  }
  return toServiceError(e);
}

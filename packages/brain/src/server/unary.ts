import type { handleUnaryCall, ServerUnaryCall, ServiceError } from "@grpc/grpc-js";
import type { ResponseHeader } from "@wharf/etcd-api";
import { toServiceError } from "./grpc-status.js";

/** Wraps a core call as a grpc-js unary handler: sync or async results, errors mapped to etcd's statuses. */
export function unary<Req, Res>(
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Res | Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    let out: Res | Promise<Res>;
    try {
      out = fn(call.request, call);
    } catch (e) {
      callback(toServiceError(e) as ServiceError);
      return;
    }
    if (out instanceof Promise) {
      out.then(
        (r) => callback(null, r),
        (e) => callback(toServiceError(e) as ServiceError),
      );
    } else {
      callback(null, out);
    }
  };
}

/** Fills what etcd's header filler adds to every top-level response. */
export interface HeaderFiller {
  fill(h: ResponseHeader | undefined): ResponseHeader;
}

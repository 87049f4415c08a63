import { type ServiceDefinition, status, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { BrainMetrics } from "../metrics.js";
import { toServiceError } from "./grpc-status.js";

/** gRPC code names as Go spells them (codes.Code.String()), which is what etcd's metrics carry. */
const codeNames: Record<number, string> = {
  [status.OK]: "OK",
  [status.CANCELLED]: "Canceled",
  [status.UNKNOWN]: "Unknown",
  [status.INVALID_ARGUMENT]: "InvalidArgument",
  [status.DEADLINE_EXCEEDED]: "DeadlineExceeded",
  [status.NOT_FOUND]: "NotFound",
  [status.ALREADY_EXISTS]: "AlreadyExists",
  [status.PERMISSION_DENIED]: "PermissionDenied",
  [status.RESOURCE_EXHAUSTED]: "ResourceExhausted",
  [status.FAILED_PRECONDITION]: "FailedPrecondition",
  [status.ABORTED]: "Aborted",
  [status.OUT_OF_RANGE]: "OutOfRange",
  [status.UNIMPLEMENTED]: "Unimplemented",
  [status.INTERNAL]: "Internal",
  [status.UNAVAILABLE]: "Unavailable",
  [status.DATA_LOSS]: "DataLoss",
  [status.UNAUTHENTICATED]: "Unauthenticated",
};

/** Wraps a service's handlers to count started and handled RPCs as go-grpc-prometheus does for etcd. */
export function instrument<S extends UntypedServiceImplementation>(
  def: ServiceDefinition,
  impl: S,
  metrics: BrainMetrics,
): S {
  const out: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(impl)) {
    const m = def[name];
    if (!m) {
      out[name] = handler;
      continue;
    }
    const [, service, method] = m.path.split("/");
    const type = m.requestStream
      ? m.responseStream
        ? "bidi_stream"
        : "client_stream"
      : m.responseStream
        ? "server_stream"
        : "unary";
    const labels = { grpc_type: type, grpc_service: service!, grpc_method: method! };
    // Counters bound to their labels once: looking labels up on every call cost a few percent of the sequencer.
    const started = metrics.grpcStarted.labels(labels);
    const handled = new Map<number, { inc(): void }>();
    const handledWith = (code: number) => {
      let c = handled.get(code);
      if (!c) {
        c = metrics.grpcHandled.labels({ ...labels, grpc_code: codeNames[code] ?? "Unknown" });
        handled.set(code, c);
      }
      return c;
    };
    const ok = handledWith(status.OK);
    const fn = handler as (...args: unknown[]) => void;
    if (type === "unary") {
      out[name] = (call: unknown, callback: (e: { code?: number } | null, r?: unknown) => void) => {
        started.inc();
        fn(call, (e: { code?: number } | null, r?: unknown) => {
          (e ? handledWith(e.code ?? status.UNKNOWN) : ok).inc();
          callback(e, r);
        });
      };
    } else {
      out[name] = (call: { once(ev: string, f: (...a: unknown[]) => void): void }) => {
        started.inc();
        call.once("finish", () => ok.inc());
        try {
          fn(call);
        } catch (e) {
          (call as unknown as { emit(ev: string, e: unknown): void }).emit("error", toServiceError(e));
        }
      };
    }
  }
  return out as S;
}

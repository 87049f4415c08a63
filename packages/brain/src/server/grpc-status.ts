import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { BrainError, type ErrorCode } from "../errors.js";

// The one place brain's errors become gRPC statuses, with etcd's codes.
const codes: Record<ErrorCode, status> = {
  EmptyKey: status.INVALID_ARGUMENT,
  KeyNotFound: status.INVALID_ARGUMENT,
  ValueProvided: status.INVALID_ARGUMENT,
  LeaseProvided: status.INVALID_ARGUMENT,
  TooManyOps: status.INVALID_ARGUMENT,
  DuplicateKey: status.INVALID_ARGUMENT,
  Compacted: status.OUT_OF_RANGE,
  FutureRev: status.OUT_OF_RANGE,
  NoSpace: status.RESOURCE_EXHAUSTED,
  LeaseNotFound: status.NOT_FOUND,
  LeaseExist: status.FAILED_PRECONDITION,
  LeaseTTLTooLarge: status.OUT_OF_RANGE,
  WatchCanceled: status.CANCELLED,
  MemberNotFound: status.NOT_FOUND,
  MemberBadURLs: status.INVALID_ARGUMENT,
  PeerURLExist: status.FAILED_PRECONDITION,
  MemberNotLearner: status.FAILED_PRECONDITION,
  // etcd maps this one to its client-side error value, so gRPC sends it as Unknown.
  MemberNotEnoughStarted: status.UNKNOWN,
  MemberAddUnsupported: status.FAILED_PRECONDITION,
  NotCapable: status.UNAVAILABLE,
  BadLeaderTransferee: status.FAILED_PRECONDITION,
  RequestTooLarge: status.INVALID_ARGUMENT,
  TooManyRequests: status.RESOURCE_EXHAUSTED,
  AuthNotEnabled: status.FAILED_PRECONDITION,
  Stopped: status.UNAVAILABLE,
  Timeout: status.UNAVAILABLE,
  Canceled: status.CANCELLED,
  Unimplemented: status.UNIMPLEMENTED,
  Corrupt: status.DATA_LOSS,
  Internal: status.INTERNAL,
};

export function grpcCode(code: ErrorCode): status {
  return codes[code];
}

/** Converts any thrown value into the gRPC error a client of etcd would see. */
export function toServiceError(e: unknown): Partial<ServiceError> {
  if (e instanceof BrainError) {
    return { code: codes[e.code], details: e.message, message: e.message, metadata: new Metadata() };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: status.INTERNAL, details: message, message, metadata: new Metadata() };
}

export function isBrainError(e: unknown, code: ErrorCode): boolean {
  return e instanceof BrainError && e.code === code;
}

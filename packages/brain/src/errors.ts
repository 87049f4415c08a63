// Brain's errors: one class with a stable code per etcd error. The code names
// follow etcd's rpctypes; the message is etcd's exact text, because etcd
// clients match on it (clientv3 turns the string back into a typed error).
// The mapping to gRPC status codes lives in server/grpc-status.ts.

export const ErrorCode = {
  EmptyKey: "EmptyKey",
  KeyNotFound: "KeyNotFound",
  ValueProvided: "ValueProvided",
  LeaseProvided: "LeaseProvided",
  TooManyOps: "TooManyOps",
  DuplicateKey: "DuplicateKey",
  Compacted: "Compacted",
  FutureRev: "FutureRev",
  NoSpace: "NoSpace",
  LeaseNotFound: "LeaseNotFound",
  LeaseExist: "LeaseExist",
  LeaseTTLTooLarge: "LeaseTTLTooLarge",
  WatchCanceled: "WatchCanceled",
  MemberNotFound: "MemberNotFound",
  MemberBadURLs: "MemberBadURLs",
  PeerURLExist: "PeerURLExist",
  MemberNotLearner: "MemberNotLearner",
  MemberNotEnoughStarted: "MemberNotEnoughStarted",
  MemberAddUnsupported: "MemberAddUnsupported",
  NotCapable: "NotCapable",
  BadLeaderTransferee: "BadLeaderTransferee",
  RequestTooLarge: "RequestTooLarge",
  TooManyRequests: "TooManyRequests",
  AuthNotEnabled: "AuthNotEnabled",
  Stopped: "Stopped",
  Timeout: "Timeout",
  Canceled: "Canceled",
  Unimplemented: "Unimplemented",
  Corrupt: "Corrupt",
  Internal: "Internal",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const messages: Record<ErrorCode, string> = {
  EmptyKey: "etcdserver: key is not provided",
  KeyNotFound: "etcdserver: key not found",
  ValueProvided: "etcdserver: value is provided",
  LeaseProvided: "etcdserver: lease is provided",
  TooManyOps: "etcdserver: too many operations in txn request",
  DuplicateKey: "etcdserver: duplicate key given in txn request",
  Compacted: "etcdserver: mvcc: required revision has been compacted",
  FutureRev: "etcdserver: mvcc: required revision is a future revision",
  NoSpace: "etcdserver: mvcc: database space exceeded",
  LeaseNotFound: "etcdserver: requested lease not found",
  LeaseExist: "etcdserver: lease already exists",
  LeaseTTLTooLarge: "etcdserver: too large lease TTL",
  WatchCanceled: "etcdserver: watch canceled",
  MemberNotFound: "etcdserver: member not found",
  MemberBadURLs: "etcdserver: given member URLs are invalid",
  PeerURLExist: "etcdserver: Peer URLs already exists",
  MemberNotLearner: "etcdserver: can only promote a learner member",
  MemberNotEnoughStarted: "etcdserver: re-configuration failed due to not enough started members",
  MemberAddUnsupported:
    "etcdserver: brain does not grow by MemberAdd; start another brain replica on the same shared storage instead",
  NotCapable: "etcdserver: not capable",
  BadLeaderTransferee: "etcdserver: bad leader transferee",
  RequestTooLarge: "etcdserver: request is too large",
  TooManyRequests: "etcdserver: too many requests",
  AuthNotEnabled: "etcdserver: authentication is not enabled",
  Stopped: "etcdserver: server stopped",
  Timeout: "etcdserver: request timed out",
  Canceled: "etcdserver: request canceled",
  Unimplemented: "unknown service",
  Corrupt: "etcdserver: corrupt cluster",
  Internal: "etcdserver: internal error",
};

export class BrainError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: ErrorOptions) {
    super(message ?? messages[code], options);
    this.name = "BrainError";
    this.code = code;
  }
}

export function brainError(code: ErrorCode, message?: string): BrainError {
  return new BrainError(code, message);
}

// The errors etcd's concurrency package returns to its Election and Lock
// servers, with etcd's exact text (clients match on it).

export const ConcurrencyMessage = {
  NotLeader: "election: not leader",
  NoLeader: "election: no leader",
  SessionExpired: "mutex: session is expired",
  MissingLeaderKey: '"leader" field must be provided',
  Canceled: "context canceled",
} as const;
export type ConcurrencyMessage = (typeof ConcurrencyMessage)[keyof typeof ConcurrencyMessage];

export class ConcurrencyError extends Error {
  constructor(message: ConcurrencyMessage) {
    super(message);
    this.name = "ConcurrencyError";
  }
}

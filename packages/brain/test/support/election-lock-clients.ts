import { type ClientUnaryCall, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { election, lock } from "@wharf/etcd-api";

export type Answer<T = Record<string, unknown>> =
  | { ok: T; error?: undefined }
  | { ok?: undefined; error: { code: number; details: string } };

const requestTypes: Record<string, { fromPartial(o: object): object }> = {
  campaign: election.CampaignRequest,
  proclaim: election.ProclaimRequest,
  leader: election.LeaderRequest,
  resign: election.ResignRequest,
  lock: lock.LockRequest,
  unlock: lock.UnlockRequest,
};

/** A unary call in flight: its answer, whether it has answered yet, and a way to cancel it. */
export interface PendingCall<T> {
  answer: Promise<Answer<T>>;
  done(): boolean;
  cancel(): void;
}

/** Raw gRPC clients of one server's Election and Lock services, generated from etcd's protos. */
export class ElectionLockClients {
  readonly election: election.ElectionClient;
  readonly lock: lock.LockClient;

  constructor(readonly endpoint: string) {
    const creds = credentials.createInsecure();
    this.election = new election.ElectionClient(endpoint, creds);
    this.lock = new lock.LockClient(endpoint, creds);
  }

  /** Starts a unary call (Lock and Campaign block); `deadlineMs` sets a gRPC deadline. */
  start<T = Record<string, unknown>>(
    service: "election" | "lock",
    method: string,
    req: object,
    deadlineMs?: number,
  ): PendingCall<T> {
    const client = this[service] as unknown as Record<
      string,
      (r: object, md: Metadata, o: object, cb: (e: ServiceError | null, r?: T) => void) => ClientUnaryCall
    >;
    const type = requestTypes[method];
    if (!type) throw new Error(`no request type known for ${method}`);
    let finished = false;
    let call: ClientUnaryCall | undefined;
    const answer = new Promise<Answer<T>>((resolve) => {
      const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
      call = client[method]!.call(client, type.fromPartial(req), new Metadata(), options, (e, r) => {
        finished = true;
        if (e) resolve({ error: { code: e.code, details: e.details } });
        else resolve({ ok: r as T });
      });
    });
    return { answer, done: () => finished, cancel: () => call?.cancel() };
  }

  call<T = Record<string, unknown>>(service: "election" | "lock", method: string, req: object): Promise<Answer<T>> {
    return this.start<T>(service, method, req).answer;
  }

  /**
   * Observes an election until `count` responses arrived or `timeoutMs`
   * passed, runs `during` meanwhile, then cancels the stream.
   */
  async observe(
    name: Buffer,
    count: number,
    during: () => Promise<void>,
    timeoutMs = 5000,
  ): Promise<election.LeaderResponse[]> {
    const stream = this.election.observe(election.LeaderRequest.fromPartial({ name }));
    const got: election.LeaderResponse[] = [];
    let wake: () => void = () => undefined;
    stream.on("data", (r: election.LeaderResponse) => {
      got.push(r);
      if (got.length >= count) wake();
    });
    stream.on("error", () => wake());
    const enough = new Promise<void>((r) => {
      wake = r;
    });
    await during();
    await Promise.race([enough, new Promise((r) => setTimeout(r, timeoutMs))]);
    stream.cancel();
    return got;
  }

  close(): void {
    this.election.close();
    this.lock.close();
  }
}

/** Replaces LeaderKey.rev (an absolute create revision) with one relative to `base`, as normalize does for revisions. */
export function relativeRevs(value: unknown, base: number): unknown {
  if (typeof value !== "object" || value === null || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => relativeRevs(v, base));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === "rev" && typeof v === "bigint" ? `r${Number(v) - base}` : relativeRevs(v, base);
  }
  return out;
}

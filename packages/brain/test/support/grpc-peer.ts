import { credentials, type ServiceError } from "@grpc/grpc-js";
import * as api from "@wharf/etcd-api";
import { ClusterClient, KVClient, LeaseClient, MaintenanceClient, WatchClient } from "@wharf/etcd-api";

/** Request types by method name, so tests can write partial requests (proto3 defaults fill the rest). */
const requestTypes: Record<string, { fromPartial(o: object): object }> = {
  range: api.RangeRequest,
  put: api.PutRequest,
  deleteRange: api.DeleteRangeRequest,
  txn: api.TxnRequest,
  compact: api.CompactionRequest,
  leaseGrant: api.LeaseGrantRequest,
  leaseRevoke: api.LeaseRevokeRequest,
  leaseTimeToLive: api.LeaseTimeToLiveRequest,
  leaseLeases: api.LeaseLeasesRequest,
  status: api.StatusRequest,
  alarm: api.AlarmRequest,
  defragment: api.DefragmentRequest,
  hash: api.HashRequest,
  hashKv: api.HashKVRequest,
  moveLeader: api.MoveLeaderRequest,
  memberList: api.MemberListRequest,
  memberAdd: api.MemberAddRequest,
  memberRemove: api.MemberRemoveRequest,
  memberUpdate: api.MemberUpdateRequest,
  memberPromote: api.MemberPromoteRequest,
};

/** Raw gRPC clients of one server, generated from etcd's protos: responses exactly as sent. */
export class GrpcPeer {
  readonly kv: KVClient;
  readonly watch: WatchClient;
  readonly lease: LeaseClient;
  readonly maintenance: MaintenanceClient;
  readonly cluster: ClusterClient;

  constructor(readonly endpoint: string) {
    const creds = credentials.createInsecure();
    this.kv = new KVClient(endpoint, creds);
    this.watch = new WatchClient(endpoint, creds);
    this.lease = new LeaseClient(endpoint, creds);
    this.maintenance = new MaintenanceClient(endpoint, creds);
    this.cluster = new ClusterClient(endpoint, creds);
  }

  /** Calls a unary method; resolves with the response or with the gRPC error's code and message. */
  call<Req, Res>(
    client: object,
    method: string,
    req: Req,
  ): Promise<{ ok: Res; error?: undefined } | { ok?: undefined; error: { code: number; details: string } }> {
    return new Promise((resolve) => {
      const fn = (client as Record<string, (r: Req, cb: (e: ServiceError | null, r?: Res) => void) => void>)[method]!;
      const type = requestTypes[method];
      if (!type) throw new Error(`no request type known for ${method}`);
      fn.call(client, type.fromPartial(req as object) as Req, (e, r) => {
        if (e) resolve({ error: { code: e.code, details: e.details } });
        else resolve({ ok: r as Res });
      });
    });
  }

  close(): void {
    for (const c of [this.kv, this.watch, this.lease, this.maintenance, this.cluster]) c.close();
  }
}

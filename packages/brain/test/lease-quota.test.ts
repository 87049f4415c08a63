import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ProcessServer, startBrain } from "@wharf/testing";
import { GrpcPeer } from "./support/grpc-peer.js";

// etcd's quota wrapper refuses LeaseGrant with NOSPACE before granting
// anything once the backend is over --quota-backend-bytes.
describe("LeaseGrant over quota", () => {
  let server: ProcessServer;
  let peer: GrpcPeer;
  before(async () => {
    server = await startBrain({ args: ["--quota-backend-bytes=1"] });
    peer = new GrpcPeer(server.endpoint);
  });
  after(async () => {
    peer.close();
    await server.stop();
  });

  it("is RESOURCE_EXHAUSTED with etcd's message and grants nothing", async () => {
    const r = await peer.call(peer.lease, "leaseGrant", { ID: 7n, TTL: 60n });
    assert.deepEqual(r.error, { code: 8, details: "etcdserver: mvcc: database space exceeded" });
    const t = await peer.call<object, { TTL: bigint }>(peer.lease, "leaseTimeToLive", { ID: 7n });
    assert.equal(t.ok?.TTL, -1n);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ProcessServer, startBrain } from "@wharf/testing";
import { Etcd3 } from "etcd3";

// The npm etcd3 client's lease API against brain: grant on first use,
// put through the lease, automatic keep-alive, revoke.
describe("etcd3 client leases against brain", () => {
  let server: ProcessServer;
  let client: Etcd3;
  before(async () => {
    server = await startBrain();
    client = new Etcd3({ hosts: server.url });
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  it("lease.put, keep-alive past the TTL, keepaliveOnce, revoke", async () => {
    const lease = client.lease(3);
    const lost: unknown[] = [];
    lease.on("lost", (e) => lost.push(e));
    await lease.put("/etcd3/a").value("1");
    await lease.put("/etcd3/b").value("2");
    const id = await lease.grant();
    assert.match(id, /^[1-9][0-9]*$/);

    // Past the 3 s TTL only the client's keep-alives keep the keys.
    await new Promise((r) => setTimeout(r, 4500));
    assert.equal(await client.get("/etcd3/a").string(), "1");
    assert.deepEqual(lost, []);

    const ka = await lease.keepaliveOnce();
    assert.equal(String(ka.TTL), "3");
    assert.equal(String(ka.ID), id);

    await lease.revoke();
    assert.equal(await client.get("/etcd3/a").string(), null);
    assert.equal(await client.get("/etcd3/b").string(), null);
  });

  it("a lease the client stops renewing expires and its key goes", async () => {
    const lease = client.lease(2, { autoKeepAlive: false });
    await lease.put("/etcd3/short").value("x");
    const deadline = Date.now() + 10_000;
    while ((await client.get("/etcd3/short").string()) !== null) {
      assert.ok(Date.now() < deadline, "expired in time");
      await new Promise((r) => setTimeout(r, 200));
    }
    lease.release();
  });
});

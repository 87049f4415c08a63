import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort, type ProcessServer, startBrain, type TempDir, tempDir } from "@wharf/testing";
import { GrpcPeer } from "./support/grpc-peer.js";

// Leases live in brain's engine, so they outlast the process: after a
// restart each gets its full TTL again (etcd's Promote) and then expires.

type Ok<T> = { ok?: T; error?: { code: number; details: string } };
interface Ttl {
  TTL: bigint;
  grantedTTL: bigint;
  keys: Buffer[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok<T>(p: Promise<Ok<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`call failed: ${JSON.stringify(r.error)}`);
  return r.ok;
}

class Member {
  server: ProcessServer | undefined;
  peer: GrpcPeer | undefined;
  constructor(
    readonly dir: TempDir,
    readonly port: number,
  ) {}

  static async start(): Promise<Member> {
    const m = new Member(tempDir("wharf-lease-restart-"), await freePort());
    await m.boot();
    return m;
  }

  async boot(): Promise<void> {
    this.server = await startBrain({ dataDir: this.dir.path, port: this.port });
    this.peer = new GrpcPeer(this.server.endpoint);
  }

  async restart(how: "stop" | "kill"): Promise<void> {
    this.peer?.close();
    await (how === "stop" ? this.server?.stop() : this.server?.kill());
    await this.boot();
  }

  get grpc(): GrpcPeer {
    return this.peer!;
  }

  async close(): Promise<void> {
    this.peer?.close();
    await this.server?.stop();
    this.dir.remove();
  }

  timeToLive(id: bigint): Promise<Ttl> {
    return ok(this.grpc.call<object, Ttl>(this.grpc.lease, "leaseTimeToLive", { ID: id, keys: true }));
  }

  async count(prefix: string): Promise<number> {
    const r = await ok(
      this.grpc.call<object, { count: bigint }>(this.grpc.kv, "range", {
        key: Buffer.from(prefix),
        rangeEnd: Buffer.from(`${prefix}\xff`),
        countOnly: true,
      }),
    );
    return Number(r.count);
  }

  async revision(): Promise<number> {
    const r = await ok(
      this.grpc.call<object, { header: { revision: bigint } }>(this.grpc.kv, "range", { key: Buffer.from("\0") }),
    );
    return Number(r.header.revision);
  }
}

describe("leases survive a restart", () => {
  const members: Member[] = [];
  after(async () => {
    for (const m of members) await m.close();
  });

  it("after SIGTERM: same keys, refreshed TTL, then expiry deletes the keys in one revision", async () => {
    const m = await Member.start();
    members.push(m);
    const id = 0x42n;
    await ok(m.grpc.call(m.grpc.lease, "leaseGrant", { ID: id, TTL: 4n }));
    for (const k of ["/r/a", "/r/b"]) {
      await ok(m.grpc.call(m.grpc.kv, "put", { key: Buffer.from(k), value: Buffer.from("v"), lease: id }));
    }
    await sleep(2000);
    assert.ok((await m.timeToLive(id)).TTL <= 2n, "the TTL runs down before the restart");

    await m.restart("stop");
    const t = await m.timeToLive(id);
    assert.equal(t.grantedTTL, 4n);
    assert.ok(t.TTL >= 3n && t.TTL <= 4n, `TTL refreshed to the full granted TTL, got ${t.TTL}`);
    assert.deepEqual(
      t.keys.map((k) => k.toString()),
      ["/r/a", "/r/b"],
    );
    const leases = await ok(m.grpc.call<object, { leases: Array<{ ID: bigint }> }>(m.grpc.lease, "leaseLeases", {}));
    assert.deepEqual(
      leases.leases.map((l) => l.ID),
      [id],
    );

    const before = await m.revision();
    const deadline = Date.now() + 15_000;
    while ((await m.count("/r/")) > 0) {
      assert.ok(Date.now() < deadline, "the lease expired in time");
      await sleep(200);
    }
    assert.equal(await m.revision(), before + 1, "both keys deleted in one revision");
    assert.equal((await m.timeToLive(id)).TTL, -1n);

    // The revocation is durable too: after another restart the lease stays gone.
    await m.restart("stop");
    assert.equal((await m.timeToLive(id)).TTL, -1n);
    assert.equal(await m.count("/r/"), 0);
  });

  it("after SIGKILL: a grant acknowledged before the crash survives with its key", async () => {
    const m = await Member.start();
    members.push(m);
    const granted = await ok(
      m.grpc.call<object, { ID: bigint; TTL: bigint }>(m.grpc.lease, "leaseGrant", { ID: 0n, TTL: 60n }),
    );
    assert.ok(granted.ID > 0n);
    await ok(m.grpc.call(m.grpc.kv, "put", { key: Buffer.from("/k/x"), value: Buffer.from("v"), lease: granted.ID }));
    await m.restart("kill");
    const t = await m.timeToLive(granted.ID);
    assert.equal(t.grantedTTL, 60n);
    assert.ok(t.TTL > 0n && t.TTL <= 60n, `TTL ${t.TTL}`);
    assert.deepEqual(
      t.keys.map((k) => k.toString()),
      ["/k/x"],
    );
    // And a revoke acknowledged before a crash stays done.
    await ok(m.grpc.call(m.grpc.lease, "leaseRevoke", { ID: granted.ID }));
    await m.restart("kill");
    assert.equal((await m.timeToLive(granted.ID)).TTL, -1n);
    assert.equal(await m.count("/k/"), 0);
  });
});

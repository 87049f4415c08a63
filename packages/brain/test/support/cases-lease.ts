import type { LeaseKeepAliveResponse } from "@wharf/etcd-api";
import type { DifferentialCase, Side } from "./differential.js";

const b = (s: string) => Buffer.from(s);

// Server-chosen lease IDs differ between etcd and brain, so every case asks
// for explicit IDs: 0x1000 + 16 × case number + n.
const id = (kase: number, n = 0) => BigInt(0x1000 + 16 * kase + n);

type Unary = { ok?: Record<string, unknown>; error?: { code: number; details: string } };

/**
 * TimeToLive with the time-dependent remaining TTL replaced by whether it is
 * in (0, granted], and keys sorted (etcd lists them in map order).
 */
async function timeToLive(s: Side, lease: bigint, keys = false): Promise<unknown> {
  const r = (await s.grpc.call(s.grpc.lease, "leaseTimeToLive", { ID: lease, keys })) as Unary;
  if (!r.ok) return r;
  const { TTL, grantedTTL, keys: ks, ...rest } = r.ok as { TTL: bigint; grantedTTL: bigint; keys: Buffer[] };
  return {
    ...rest,
    grantedTTL,
    ttl: TTL === -1n ? -1 : TTL > 0n && TTL <= grantedTTL ? "in (0, granted]" : `out of range: ${TTL}`,
    keys: ks.map((k) => k.toString("latin1")).sort(),
  };
}

/** Sends keep-alives for `ids` on one stream and returns the responses (TTLs are the full granted TTL). */
function keepAlive(s: Side, ids: bigint[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = s.grpc.lease.leaseKeepAlive();
    const out: LeaseKeepAliveResponse[] = [];
    stream.on("data", (r: LeaseKeepAliveResponse) => {
      out.push(r);
      if (out.length === ids.length) stream.end();
    });
    stream.on("error", (e) => reject(e));
    stream.on("end", () => resolve(out));
    for (const i of ids) stream.write({ ID: i });
  });
}

/** The lease IDs of this case among all the server's leases (other cases' leases may still live), sorted. */
async function ownLeases(s: Side, ids: bigint[]): Promise<unknown> {
  const r = (await s.grpc.call(s.grpc.lease, "leaseLeases", {})) as Unary;
  if (!r.ok) return r;
  const leases = (r.ok.leases as Array<{ ID: bigint }>).map((l) => l.ID).filter((x) => ids.includes(x));
  return { header: r.ok.header, leases: leases.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** The Lease service: Grant, Revoke, KeepAlive, TimeToLive, Leases and expiry. */
export const leaseCases: DifferentialCase[] = [
  {
    name: "grant with a requested ID returns it and the TTL; a duplicate ID is ErrLeaseExist",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(0), TTL: 60n });
      await c.call("lease", "leaseGrant", { ID: id(0), TTL: 30n });
      await c.call("lease", "leaseRevoke", { ID: id(0) });
    },
  },
  {
    name: "grant TTL above 9e9 s is ErrLeaseTTLTooLarge; exactly 9e9 is granted",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(1), TTL: 9_000_000_001n });
      await c.call("lease", "leaseTimeToLive", { ID: id(1) });
      await c.call("lease", "leaseGrant", { ID: id(1), TTL: 9_000_000_000n });
      await c.each("ttl", (s) => timeToLive(s, id(1)));
      await c.call("lease", "leaseRevoke", { ID: id(1) });
    },
  },
  {
    name: "grant with a TTL below the minimum is raised to 2 s",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(2, 0), TTL: 1n });
      await c.call("lease", "leaseGrant", { ID: id(2, 1), TTL: 0n });
      await c.call("lease", "leaseGrant", { ID: id(2, 2), TTL: -5n });
      await c.each("ttl", (s) => timeToLive(s, id(2, 0)));
      for (const n of [0, 1, 2]) await c.call("lease", "leaseRevoke", { ID: id(2, n) });
    },
  },
  {
    name: "grant with ID 0 picks a positive ID (allow-list: lease-id), which TimeToLive and Revoke then use",
    async run(c) {
      const granted: Partial<Record<string, bigint>> = {};
      await c.each("server-chosen lease: grant", async (s) => {
        const r = (await s.grpc.call(s.grpc.lease, "leaseGrant", { ID: 0n, TTL: 30n })) as Unary;
        granted[s.name] = r.ok?.ID as bigint;
        return r;
      });
      await c.each("server-chosen lease: ttl", async (s) => {
        const r = (await s.grpc.call(s.grpc.lease, "leaseTimeToLive", { ID: granted[s.name] })) as Unary;
        const { TTL, ...rest } = (r.ok ?? {}) as { TTL?: bigint };
        return { ...rest, ttlPositive: (TTL ?? 0n) > 0n };
      });
      await c.each("server-chosen lease: revoke", (s) =>
        s.grpc.call(s.grpc.lease, "leaseRevoke", { ID: granted[s.name] }),
      );
      await c.each("server-chosen lease: ttl after revoke", (s) =>
        s.grpc.call(s.grpc.lease, "leaseTimeToLive", { ID: granted[s.name] }),
      );
    },
  },
  {
    name: "put with a lease then TimeToLive lists its keys; overwrite and delete detach",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(4), TTL: 60n });
      await c.call("kv", "put", { key: c.key("b"), value: b("2"), lease: id(4) });
      await c.call("kv", "put", { key: c.key("a"), value: b("1"), lease: id(4) });
      await c.call("kv", "put", { key: c.key("c"), value: b("3"), lease: id(4) });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff") });
      await c.each("ttl keys", (s) => timeToLive(s, id(4), true));
      await c.each("ttl no keys", (s) => timeToLive(s, id(4), false));
      await c.call("kv", "put", { key: c.key("b"), value: b("no lease") });
      await c.call("kv", "deleteRange", { key: c.key("c") });
      await c.each("ttl after detach", (s) => timeToLive(s, id(4), true));
      await c.call("lease", "leaseRevoke", { ID: id(4) });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff") });
    },
  },
  {
    name: "Leases lists granted leases and drops revoked ones",
    async run(c) {
      const ids = [id(5, 0), id(5, 1), id(5, 2)];
      for (const i of ids) await c.call("lease", "leaseGrant", { ID: i, TTL: 120n });
      await c.each("leases", (s) => ownLeases(s, ids));
      await c.call("lease", "leaseRevoke", { ID: ids[1] });
      await c.each("leases after revoke", (s) => ownLeases(s, ids));
      for (const i of [ids[0], ids[2]]) await c.call("lease", "leaseRevoke", { ID: i });
      await c.each("leases at end", (s) => ownLeases(s, ids));
    },
  },
  {
    name: "revoke deletes every attached key in one revision",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(6), TTL: 60n });
      for (const k of ["x", "y", "z"]) await c.call("kv", "put", { key: c.key(k), value: b(k), lease: id(6) });
      await c.call("kv", "put", { key: c.key("keep"), value: b("k") });
      await c.call("lease", "leaseRevoke", { ID: id(6) });
      await c.call("kv", "range", { key: c.key(""), rangeEnd: c.key("\xff") });
      await c.each("revision delta", async (s) => (await s.currentRevision()) - s.base);
      await c.each("history before revoke", (s) =>
        s.grpc.call(s.grpc.kv, "range", { key: c.key(""), rangeEnd: c.key("\xff"), revision: BigInt(s.base + 4) }),
      );
      await c.call("lease", "leaseTimeToLive", { ID: id(6) });
      await c.call("kv", "put", { key: c.key("x"), value: b("again"), lease: id(6) });
    },
  },
  {
    name: "revoke of a lease without keys does not advance the revision",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(7), TTL: 60n });
      await c.call("lease", "leaseRevoke", { ID: id(7) });
      await c.each("revision delta", async (s) => (await s.currentRevision()) - s.base);
    },
  },
  {
    name: "revoke of an unknown lease is ErrLeaseNotFound; revoking twice too",
    async run(c) {
      await c.call("lease", "leaseRevoke", { ID: 987654321n });
      await c.call("lease", "leaseGrant", { ID: id(8), TTL: 60n });
      await c.call("lease", "leaseRevoke", { ID: id(8) });
      await c.call("lease", "leaseRevoke", { ID: id(8) });
    },
  },
  {
    name: "keep-alive answers the granted TTL; an unknown lease gets TTL 0",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(9, 0), TTL: 7n });
      await c.call("lease", "leaseGrant", { ID: id(9, 1), TTL: 1n });
      await c.each("keep-alive", (s) => keepAlive(s, [id(9, 0), 123456789n, id(9, 1), id(9, 0)]));
      await c.each("ttl after keep-alive", (s) => timeToLive(s, id(9, 0)));
      await c.call("lease", "leaseRevoke", { ID: id(9, 0) });
      await c.each("keep-alive after revoke", (s) => keepAlive(s, [id(9, 0)]));
      await c.call("lease", "leaseRevoke", { ID: id(9, 1) });
    },
  },
  {
    name: "TimeToLive of an unknown lease is TTL -1",
    async run(c) {
      await c.call("lease", "leaseTimeToLive", { ID: 55555n });
      await c.call("lease", "leaseTimeToLive", { ID: 55555n, keys: true });
    },
  },
  {
    name: "a lease that expires deletes both its keys in one revision",
    async run(c) {
      await c.call("lease", "leaseGrant", { ID: id(11), TTL: 2n });
      await c.call("kv", "put", { key: c.key("a"), value: b("1"), lease: id(11) });
      await c.call("kv", "put", { key: c.key("b"), value: b("2"), lease: id(11) });
      await c.each("expired", async (s) => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const r = (await s.grpc.call(s.grpc.kv, "range", {
            key: c.key(""),
            rangeEnd: c.key("\xff"),
            countOnly: true,
          })) as Unary;
          if (r.ok?.count === 0n) return true;
          if (Date.now() > deadline) return false;
          await sleep(200);
        }
      });
      await c.each("revision delta", async (s) => (await s.currentRevision()) - s.base);
      await c.each("history", async (s) => {
        const out = [];
        for (const d of [2, 3]) {
          out.push(
            await s.grpc.call(s.grpc.kv, "range", {
              key: c.key(""),
              rangeEnd: c.key("\xff"),
              revision: BigInt(s.base + d),
              keysOnly: true,
            }),
          );
        }
        return out;
      });
      await c.call("lease", "leaseTimeToLive", { ID: id(11) });
      await c.each("keep-alive after expiry", (s) => keepAlive(s, [id(11)]));
      await c.call("lease", "leaseRevoke", { ID: id(11) });
    },
  },
  {
    name: "keep-alive keeps a short lease and its key past its TTL",
    async run(c) {
      // Grant, put and keep alive within one side's turn: sides run one after the other.
      await c.each("kept", async (s) => {
        const grant = await s.grpc.call(s.grpc.lease, "leaseGrant", { ID: id(12), TTL: 2n });
        await s.grpc.call(s.grpc.kv, "put", { key: c.key("k"), value: b("v"), lease: id(12) });
        for (let i = 0; i < 5; i++) {
          await keepAlive(s, [id(12)]);
          await sleep(600);
        }
        const kept = await s.grpc.call(s.grpc.kv, "range", { key: c.key("k"), countOnly: true });
        return [grant, kept, await s.grpc.call(s.grpc.lease, "leaseRevoke", { ID: id(12) })];
      });
      await c.call("kv", "range", { key: c.key("k") });
    },
  },
  {
    name: "txn put with an unknown lease fails; with a granted lease attaches",
    async run(c) {
      const put = (lease: bigint) => ({
        success: [{ requestPut: { key: c.key("t"), value: b("v"), lease } }],
      });
      await c.call("kv", "txn", put(id(13)));
      await c.call("lease", "leaseGrant", { ID: id(13), TTL: 60n });
      await c.call("kv", "txn", put(id(13)));
      await c.each("ttl keys", (s) => timeToLive(s, id(13), true));
      await c.call("lease", "leaseRevoke", { ID: id(13) });
      await c.call("kv", "range", { key: c.key("t") });
    },
  },
];
